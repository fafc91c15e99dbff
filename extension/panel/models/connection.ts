/**
 * Who the panel talks to: the client session (runtime/protocol/session.ts, shared with the test
 * kit: hello, the runtimes' answers, the target, hello again after a reload or reconnect) as
 * signals, and the header's words for it.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { PanelBridge } from '#protocol/bridge.js';
import type { CommandName, CommandRequest, CommandResult, EventName, Ready, RuntimeEvents, Snapshot } from '#protocol/messages.js';
import { ClientSession, type RuntimeEntry } from '#protocol/session.js';
import type { PanelWall, WallStatus } from '../wall.js';

export { ROLL_CALL_MS, type RuntimeEntry } from '#protocol/session.js';

export type HeaderStatus = 'connecting' | 'connected' | 'reconnecting' | 'no-runtime' | 'mismatch';

export class Connection {
  readonly wallStatus = signal<WallStatus>('connecting');
  readonly runtimes = signal<RuntimeEntry[]>([]);
  readonly target = signal<string | null>(null);
  /** True once a roll call ended (a hello went unanswered for ROLL_CALL_MS). */
  readonly settled = signal(false);
  /** When the target's last snapshot was read (the page storage inspector shows it: it has no live feed of the app's own writes). */
  readonly asOf = signal<number | null>(null);
  readonly status: ReadonlySignal<HeaderStatus>;
  readonly message: ReadonlySignal<string>;
  readonly session: ClientSession;
  private readonly _stop: () => void;
  private _inspector: string | undefined;
  private _pointed = false;

  constructor(
    readonly bridge: PanelBridge,
    private readonly _wall: PanelWall,
    readonly client: string,
  ) {
    this.session = new ClientSession(bridge, _wall, client);
    this.status = computed(() => this._status());
    this.message = computed(() => this._message());
    this._stop = this.session.onChange(() => {
      const session = this.session;
      this.wallStatus.value = session.wallStatus;
      this.runtimes.value = session.runtimes;
      // The user asked for the page's storage: point at it once it answers (once).
      if (this._inspector !== undefined && session.runtimes.some((entry) => entry.session === this._inspector) && session.target !== this._inspector && !this._pointed) {
        this._pointed = true;
        session.choose(this._inspector);
      }
      this.target.value = session.target;
      this.settled.value = session.settled;
    });
    this.session.onSnapshot((snapshot) => (this.asOf.value = snapshot.at));
  }

  /** Whether deltas should carry call sites (the timeline's "record call sites"), sent with every hello. */
  get trace(): boolean {
    return this.session.trace;
  }

  set trace(enabled: boolean) {
    this.session.trace = enabled;
  }

  /** The target's Ready, when it answered. */
  get ready(): Ready | undefined {
    const target = this.target.value;
    return this.runtimes.value.find((entry) => entry.session === target)?.ready;
  }

  start(): void {
    this.session.start();
  }

  hello(): void {
    this.session.hello();
  }

  /** Points commands at another runtime (the target picker); it sends its snapshot. */
  choose(session: string): void {
    this.session.choose(session);
  }

  /** Whether the host can start the page storage inspector (extension/inspector/). */
  get canInspect(): boolean {
    return this._wall.inspect !== undefined;
  }

  /**
   * "Inspect this page's storage": the content script starts the inspector, which announces
   * itself; the hello that follows lists it as a runtime, and the panel points at it.
   */
  async inspect(): Promise<void> {
    if (!this._wall.inspect) throw new Error('this panel cannot inspect the page (no extension here)');
    const answer = await this._wall.inspect();
    if (!answer.started) throw new Error(`Cannot inspect this page's storage: ${answer.reason}`);
    this._inspector = answer.session;
    this._pointed = false;
    this.session.hello();
  }

  /** Whether the target is the page storage inspector (extension/inspector/), not a Stratum runtime. */
  get inspecting(): boolean {
    return this.target.value !== null && this.target.value === this._inspector;
  }

  /** The inspector's session once started, so the panel can point at it when it answers. */
  get inspector(): string | undefined {
    return this._inspector;
  }

  refresh(): Promise<void> {
    return this.session.refresh();
  }

  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    return this.session.onSnapshot(listener);
  }

  /** A command to the target runtime. */
  request<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
    return this.session.request(name, payload);
  }

  /** Listens to one event from the target runtime only (other runtimes of the frame stream too). */
  on<K extends Exclude<EventName, 'snapshot'>>(name: K, listener: (payload: RuntimeEvents[K]) => void): () => void {
    return this.session.on(name, listener);
  }

  stop(): void {
    this.session.stop();
  }

  dispose(): void {
    this._stop();
    this.session.dispose();
  }

  private _status(): HeaderStatus {
    const wall = this.wallStatus.value;
    if (wall === 'reconnecting') return 'reconnecting';
    const ready = this.ready;
    if (ready) return ready.compatible ? 'connected' : 'mismatch';
    return this.settled.value ? 'no-runtime' : 'connecting';
  }

  private _message(): string {
    const ready = this.ready;
    switch (this.status.value) {
      case 'connecting':
        return 'Connecting…';
      case 'reconnecting':
        return 'Reconnecting… (the extension lost its connection to the page; it resyncs when back)';
      case 'no-runtime':
        return 'No Stratum runtime on this page';
      case 'mismatch':
        return ready?.message ?? `Protocol mismatch: page ${ready?.protocol.runtime}, panel ${ready?.protocol.panel}`;
      case 'connected':
        return `Connected to ${ready?.runtime.name ?? 'the page'}`;
    }
  }
}
