/**
 * What `npm start` opened, closed in reverse order, each step with a time limit: a browser that
 * does not answer `close()` or a server holding a keep-alive socket must not keep the process
 * alive. Ctrl+C (SIGINT) and SIGTERM run the same shutdown; a second Ctrl+C exits at once.
 */

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
  /** How long the step may take before it is abandoned (ms). */
  limit: number;
}

/** Resolves or rejects as `promise` does, or rejects after `ms` with `what` in words. */
export function withTimeLimit<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Shutdown {
  private readonly steps: ShutdownStep[] = [];
  private closing: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(private readonly log: (line: string) => void = (line) => console.error(line)) {}

  /** Aborted when shutdown starts: a download or apt-get in progress stops with it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get started(): boolean {
    return this.closing !== undefined;
  }

  /** Registers what to undo; steps run last-registered first. */
  add(name: string, run: () => Promise<void>, limit = 5_000): void {
    this.steps.push({ name, run, limit });
  }

  /** Runs every step once, each within its limit; reports failures and never throws. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.controller.abort();
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await withTimeLimit(step.run(), step.limit, step.name);
        } catch (error) {
          this.log(`  ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.closing;
  }

  /**
   * Ctrl+C and SIGTERM: say so, close everything, exit with the signal's code. A second Ctrl+C
   * while closing exits at once (the steps' limits still bound the first).
   */
  exitOnSignals(exit: (code: number) => void): void {
    const on = (signal: NodeJS.Signals, code: number) =>
      process.on(signal, () => {
        if (this.started) return exit(code);
        this.log(`\n${signal === 'SIGINT' ? 'Ctrl+C' : signal}: closing what was opened…`);
        void this.close().then(() => exit(code));
      });
    on('SIGINT', 130);
    on('SIGTERM', 143);
  }
}
