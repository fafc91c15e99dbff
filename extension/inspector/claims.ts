/**
 * What the page's Stratum runtimes said about their databases, heard as their envelopes pass
 * through the content script: the names a runtime with configureDevtools({ redact }) shows
 * (`DatabaseInfo.redact`). The inspector reads raw IndexedDB and knows nothing of redact, so it
 * leaves those databases to the runtime's view. A runtime heard but whose databases are not
 * described yet (the panel's hello reaches it and the inspector at once; its agent loads and
 * counts first) is waited for, WAIT_MS at most; until it has spoken every database is held back.
 */
import { Command, Event, type DatabaseInfo, type RuntimeEnvelope } from '#protocol/messages.js';

/** How long a command of the inspector waits for the page's runtimes to describe their databases. */
export const WAIT_MS = 5000;

export class RuntimeClaims {
  /** Runtimes heard that have not described their databases yet. */
  private readonly _pending = new Set<string>();
  private readonly _described = new Set<string>();
  private readonly _redacted = new Set<string>();
  /** Pending runtimes already waited for WAIT_MS: not waited for again (a worker that died), still held back. */
  private readonly _silent = new Set<string>();
  private _wake: (() => void)[] = [];
  /** Told of a database a runtime has just said it redacts (the inspector may have shown it). */
  onClaim: (database: DatabaseInfo) => void = () => {};

  constructor(private readonly _waitMs = WAIT_MS) {}

  /** One validated envelope from the page's runtime (or a worker's, relayed by the page). */
  hear({ session, batch }: RuntimeEnvelope): void {
    if (!this._described.has(session)) this._pending.add(session);
    for (const message of batch) {
      if (message.event === Event.snapshot) this._describe(session, message.payload.databases);
      else if (message.event === Event.registered && message.payload.kind === 'database') this._claim(message.payload.database);
      else if (message.event === Event.response && message.payload.ok) {
        const answer = message.payload;
        if (answer.command === Command.snapshot) this._describe(session, answer.result.databases);
        // A runtime of another protocol stays silent after this answer: it will describe nothing.
        else if (answer.command === Command.hello && !answer.result.compatible) this._describe(session, []);
      }
    }
  }

  /**
   * Resolves once every runtime heard has described its databases, or after WAIT_MS (once per
   * runtime: a snapshot asks for each database, and must not wait WAIT_MS for each).
   */
  settled(): Promise<void> {
    const waiting = [...this._pending].filter((session) => !this._silent.has(session));
    if (waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const session of waiting) this._silent.add(session);
        resolve();
      }, this._waitMs);
      this._wake.push(() => (clearTimeout(timer), resolve()));
    });
  }

  /** Why the inspector must not read database `name` (ask after `settled()`), or undefined. */
  withheld(name: string): string | undefined {
    if (this._redacted.has(name)) {
      return "shown in the Stratum runtime's view (configureDevtools({ redact }) is set): pick the runtime in the target picker";
    }
    if (this._pending.size > 0) return 'held back: a Stratum runtime of this page has not said yet whether it redacts (configureDevtools({ redact })); Refresh';
    return undefined;
  }

  private _claim(database: DatabaseInfo): void {
    if (database.redact !== true || this._redacted.has(database.name)) return;
    this._redacted.add(database.name);
    this.onClaim(database);
  }

  private _describe(session: string, databases: DatabaseInfo[]): void {
    for (const database of databases) this._claim(database);
    this._described.add(session);
    this._pending.delete(session);
    if (this._pending.size > 0) return;
    const wake = this._wake;
    this._wake = [];
    for (const resolve of wake) resolve();
  }
}
