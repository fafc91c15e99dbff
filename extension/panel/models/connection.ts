/**
 * Who the panel talks to. Says hello (to every runtime in the inspected frame), collects their
 * `Ready` answers, keeps the target the commands go to, and turns the wall's status and those
 * answers into the header's words. Says hello again on `announce`, when a page frame is ready
 * again, and when the wall comes back after a reconnect: each compatible runtime then sends a
 * fresh snapshot (the models re-apply it, keeping their selections).
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import type { PanelBridge } from '#protocol/bridge.js';
import { CommandError } from '#protocol/errors.js';
import {
  ANY_SESSION,
  Command,
  Event,
  type CommandName,
  type CommandRequest,
  type CommandResult,
  type EventName,
  type Ready,
  type RuntimeEvents,
  type Snapshot,
} from '#protocol/messages.js';
import type { PanelWall, WallStatus } from '../wall.js';

export type HeaderStatus = 'connecting' | 'connected' | 'reconnecting' | 'no-runtime' | 'mismatch';

export interface RuntimeEntry {
  session: string;
  ready: Ready;
}

/** How long after a hello a silent page counts as having no Stratum runtime. */
export const ROLL_CALL_MS = 1000;
/** How long mount waits for the transport to report itself before saying hello anyway. */
const START_GRACE_MS = 100;

export class Connection {
  readonly wallStatus = signal<WallStatus>('connecting');
  readonly runtimes = signal<RuntimeEntry[]>([]);
  readonly target = signal<string | null>(null);
  /** True once a roll call ended (a hello went unanswered for ROLL_CALL_MS). */
  readonly settled = signal(false);
  readonly status: ReadonlySignal<HeaderStatus>;
  readonly message: ReadonlySignal<string>;
  /** Whether deltas should carry call sites (the timeline's "record call sites"), sent with every hello. */
  trace = false;

  private readonly _stops: (() => void)[] = [];
  private _helloQueued = false;
  private _hellos = 0;
  private _startTimer: ReturnType<typeof setTimeout> | undefined;
  private _rollCall: ReturnType<typeof setTimeout> | undefined;
  private _answered = new Set<string>();
  private readonly _snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  /** The runtime the user picked, by name and frame, so a reload (new runtime id) keeps the choice. */
  private _preferred: { name: string; url: string } | undefined;

  constructor(
    readonly bridge: PanelBridge,
    private readonly _wall: PanelWall,
    readonly client: string,
  ) {
    this.status = computed(() => this._status());
    this.message = computed(() => this._message());
    this._stops.push(
      bridge.on(Event.response, (response, session) => {
        if (response.command !== Command.hello || !response.id.startsWith(`${client}:`)) return;
        if (response.ok) this._answer(session, response.result);
      }),
      bridge.on(Event.announce, () => this.hello()),
      bridge.on(Event.snapshot, (snapshot, session) => session === this.target.peek() && this._dispatchSnapshot(snapshot)),
      _wall.onPageReady(() => this.hello()),
      _wall.onStatus((status) => {
        const was = this.wallStatus.peek();
        this.wallStatus.value = status;
        if (status === 'connected' && was !== 'connected') this.hello();
      }),
    );
  }

  /** The target's Ready, when it answered. */
  get ready(): Ready | undefined {
    const target = this.target.value;
    return this.runtimes.value.find((entry) => entry.session === target)?.ready;
  }

  /**
   * The first hello. A transport that reports itself connected (or its frames ready) right away
   * triggers it; one that says nothing gets it after START_GRACE_MS. Either way one hello, so the
   * page encodes one snapshot, not two (10,000 states are megabytes).
   */
  start(): void {
    this._startTimer = setTimeout(() => this._hellos === 0 && this.hello(), START_GRACE_MS);
  }

  /** Says hello to every runtime of the frame, once per tick however often it is asked. */
  hello(): void {
    if (this._helloQueued) return;
    this._helloQueued = true;
    queueMicrotask(() => {
      this._helloQueued = false;
      this._hellos++;
      this._answered = new Set();
      this.bridge.hello(this.trace).catch((error: unknown) => {
        // Unanswered (no runtime: the roll call below says so in the header) or the panel closed.
        if (error instanceof CommandError && (error.code === 'timeout' || error.code === 'disconnected')) return;
        console.warn('stratum panel: hello failed', error);
      });
      clearTimeout(this._rollCall);
      this._rollCall = setTimeout(() => this._endRollCall(), ROLL_CALL_MS);
    });
  }

  /** Points commands at another runtime (the target picker); it sends its snapshot. */
  choose(session: string): void {
    const entry = this.runtimes.peek().find((candidate) => candidate.session === session);
    if (!entry) return;
    this._preferred = { name: entry.ready.runtime.name, url: entry.ready.runtime.frame.url };
    this._setTarget(session, true);
  }

  /** Asks the target for a fresh snapshot (refresh, a new target); it reaches onSnapshot listeners. */
  refresh(): Promise<void> {
    const session = this.target.peek();
    if (session === null || !this.ready?.compatible) return Promise.resolve();
    return this.request(Command.snapshot, {}).then((snapshot) => {
      if (session === this.target.peek()) this._dispatchSnapshot(snapshot);
    });
  }

  /** Every snapshot of the target: pushed after hello, or asked for by refresh. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    this._snapshotListeners.add(listener);
    return () => this._snapshotListeners.delete(listener);
  }

  /** A command to the target runtime. */
  request<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
    return this.bridge.request(name, payload, this.target.peek() ?? ANY_SESSION);
  }

  /** Listens to one event from the target runtime only (other runtimes of the frame stream too). */
  on<K extends Exclude<EventName, 'snapshot'>>(name: K, listener: (payload: RuntimeEvents[K]) => void): () => void {
    const stop = this.bridge.on(name, (payload, session) => {
      if (session === this.target.peek()) listener(payload);
    });
    this._stops.push(stop);
    return stop;
  }

  /**
   * Tells every runtime that answered that this panel goes away (each stops streaming when no
   * panel is left). Only `hello` may go to every runtime at once (ANY_SESSION); a runtime whose
   * answer had not arrived yet hears it from the transport (the background's `stop` for a client
   * whose port closed).
   */
  stop(): void {
    for (const { session, ready } of this.runtimes.peek()) {
      if (!ready.compatible) continue;
      this.bridge.request(Command.stop, { client: this.client }, session).catch((error: unknown) => {
        // The bridge shuts down right after sending this, so no answer is awaited ('disconnected').
        if (!(error instanceof CommandError && error.code === 'disconnected')) console.warn('stratum panel: stop failed', error);
      });
    }
    this.bridge.flush();
  }

  dispose(): void {
    clearTimeout(this._rollCall);
    clearTimeout(this._startTimer);
    for (const stop of this._stops) stop();
    this._stops.length = 0;
  }

  private _dispatchSnapshot(snapshot: Snapshot): void {
    let failed = false;
    let first: unknown;
    for (const listener of [...this._snapshotListeners]) {
      try {
        listener(snapshot);
      } catch (error) {
        if (!failed) first = error;
        failed = true;
      }
    }
    if (failed) throw first;
  }

  private _answer(session: string, ready: Ready): void {
    this._answered.add(session);
    const others = this.runtimes.peek().filter((entry) => entry.session !== session);
    this.runtimes.value = [...others, { session, ready }].sort(byFrame);
    const target = this.runtimes.peek().find((entry) => entry.session === this.target.peek());
    // The answering runtime sends its own snapshot next; any other newly chosen one is asked.
    if (!target || (!target.ready.compatible && ready.compatible)) return this._pick(session);
    // The same app (name and frame) with a new id, while the old one has not answered: the page
    // reloaded. Follow it now rather than when the roll call gives up on the old one.
    if (ready.compatible && !this._answered.has(target.session) && sameRuntime(target.ready, ready)) this._setTarget(session, false);
  }

  private _endRollCall(): void {
    this._rollCall = undefined;
    this.settled.value = true;
    // A transport that is down answers nothing: keep the runtimes we know until it is back.
    if (this.wallStatus.peek() === 'reconnecting') return;
    const alive = this.runtimes.peek().filter((entry) => this._answered.has(entry.session));
    if (alive.length === this.runtimes.peek().length) return;
    this.runtimes.value = alive;
    if (!alive.some((entry) => entry.session === this.target.peek())) this._pick(undefined);
  }

  /** The preferred runtime if it answered, else the first compatible one (top frame first). */
  private _pick(answering: string | undefined): void {
    const list = this.runtimes.peek();
    const chosen =
      list.find((entry) => entry.ready.compatible && this._matches(entry.ready)) ?? list.find((entry) => entry.ready.compatible) ?? list[0];
    const session = chosen?.session ?? null;
    if (session !== this.target.peek()) this._setTarget(session, session !== answering);
  }

  private _matches(ready: Ready): boolean {
    const preferred = this._preferred;
    return preferred !== undefined && ready.runtime.name === preferred.name && ready.runtime.frame.url === preferred.url;
  }

  private _setTarget(session: string | null, fetch: boolean): void {
    this.target.value = session;
    this.bridge.target = session ?? ANY_SESSION;
    if (fetch) this.refresh().catch((error: unknown) => console.warn('stratum panel: the new target sent no snapshot', error));
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

function sameRuntime(a: Ready, b: Ready): boolean {
  return a.runtime.name === b.runtime.name && a.runtime.frame.url === b.runtime.frame.url && a.runtime.frame.top === b.runtime.frame.top;
}

/** Top frame first, then by URL and name: a stable order for the picker. */
function byFrame(a: RuntimeEntry, b: RuntimeEntry): number {
  const top = Number(b.ready.runtime.frame.top) - Number(a.ready.runtime.frame.top);
  return top || a.ready.runtime.frame.url.localeCompare(b.ready.runtime.frame.url) || a.ready.runtime.name.localeCompare(b.ready.runtime.name);
}
