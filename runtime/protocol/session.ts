/**
 * One client's session with the runtimes of a tab, shared by the panel (extension/panel/models/
 * connection.ts adds signals for the header) and the test kit (extension/kit/kit.ts): hello to
 * every runtime, their answers, the target commands go to, hello again on `announce`, when a
 * page frame is ready again and when the wall is back after a reconnect, and commands that wait
 * for that hello instead of going to a runtime that is gone.
 */
import { PanelBridge, type WallState } from './bridge.js';
import { CommandError } from './errors.js';
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
} from './messages.js';

/** What a session needs of its transport besides envelopes (a PanelWall is one). */
export interface SessionWall {
  onStatus(listener: (status: WallState) => void): () => void;
  onPageReady(listener: (frame: { frameId: number; url: string }) => void): () => void;
  /** A frame's document went away (its port closed); absent where the transport cannot tell. */
  onPageGone?(listener: (frameId: number) => void): () => void;
}

export interface RuntimeEntry {
  session: string;
  ready: Ready;
}

/** How long after a hello a silent page counts as having no Stratum runtime. */
export const ROLL_CALL_MS = 1000;
/**
 * Roll calls in a row a runtime must leave unanswered before it is dropped. One is no proof it is
 * gone (a worker busy, a page in a long task answers late), and dropping it drops what the panel
 * learnt of it (its states' recent changes, the timeline, when another runtime is picked).
 */
const MISSES_TO_DROP = 2;
/** How long mount waits for the transport to report itself before saying hello anyway. */
const START_GRACE_MS = 100;
/**
 * How long after a frame loaded a new document (a reload) a held command waits for a runtime to
 * announce itself: the page's scripts load its listener lazily, on a loaded machine after the roll
 * call that follows the reload has ended.
 */
const PAGE_LOAD_MS = 5_000;

export class ClientSession {
  wallStatus: WallState = 'connecting';
  runtimes: RuntimeEntry[] = [];
  target: string | null = null;
  /** True once a roll call ended (a hello went unanswered for ROLL_CALL_MS). */
  settled = false;
  /** Whether deltas should carry call sites (the timeline's "record call sites"), sent with every hello. */
  trace = false;

  private readonly _stops: (() => void)[] = [];
  private readonly _changeListeners = new Set<() => void>();
  private readonly _snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  /** Runtimes (sessions) that sent a snapshot with columns (columns.ts). */
  private readonly _columns = new Set<string>();
  private _helloQueued = false;
  private _hellos = 0;
  private _startTimer: ReturnType<typeof setTimeout> | undefined;
  private _rollCall: ReturnType<typeof setTimeout> | undefined;
  private _answered = new Set<string>();
  /** Who the roll call under way asked: everyone (a hello to all), or the runtimes asked again. */
  private _asked: ReadonlySet<string> | 'all' = 'all';
  /** Roll calls in a row each runtime left unanswered (absent: it answered the last one). */
  private readonly _misses = new Map<string, number>();
  private _disposed = false;
  /** The runtime the user picked, by name and frame, so a reload (new runtime id) keeps the choice. */
  private _preferred: { name: string; url: string } | undefined;
  /** Settles when the hello under way has a target (or its roll call ended): commands wait for it. */
  private _rehello: { promise: Promise<void>; done: () => void } | undefined;
  /** When a frame of the tab last loaded a new document. */
  private _pageLoaded = -Infinity;
  /** Why the last runtime was dropped, for a held command that then has none to go to. */
  private _lost: string | undefined;

  constructor(
    readonly bridge: PanelBridge,
    wall: SessionWall,
    readonly client: string,
  ) {
    this._stops.push(
      bridge.on(Event.response, (response, session) => {
        if (response.command !== Command.hello || !response.id.startsWith(`${client}:`)) return;
        if (response.ok) this._answer(session, response.result);
      }),
      bridge.on(Event.announce, () => this.hello()),
      bridge.on(Event.snapshot, (snapshot, session) => {
        // A runtime that pushed columns reads the `columns` flag: refresh may ask for them.
        if (snapshot.stores.some((store) => store.scopes.some((scope) => scope.columns !== undefined))) this._columns.add(session);
        if (session === this.target) this._dispatchSnapshot(snapshot);
      }),
      wall.onPageReady(() => {
        this._pageLoaded = Date.now();
        this.hello();
      }),
      // A frame's document went away (navigated, closed, into the back/forward cache): its runtimes
      // are gone for sure, now, as Chrome's panels drop a page on its navigation. The roll call's
      // two misses are for runtimes nothing speaks for (a worker that ended, a Node process): a
      // busy page keeps its port, so a late answer never costs it its history. One restored from
      // the back/forward cache says hello again when its port is back.
      wall.onPageGone?.((frameId) => {
        const alive = this.runtimes.filter((entry) => this.bridge.frameOf(entry.session) !== frameId || this._forget(entry.session, 'the page went away'));
        if (alive.length === this.runtimes.length) return;
        this.runtimes = alive;
        if (!alive.some((entry) => entry.session === this.target)) this._pick(undefined);
        this._changed();
      }) ?? (() => undefined),
      wall.onStatus((status) => {
        const was = this.wallStatus;
        this.wallStatus = status;
        this._changed();
        if (status === 'connected' && was !== 'connected') this.hello();
      }),
    );
  }

  /** The target's Ready, when it answered. */
  get ready(): Ready | undefined {
    return this.runtimes.find((entry) => entry.session === this.target)?.ready;
  }

  /** Called after every change of wallStatus, runtimes, target or settled. */
  onChange(listener: () => void): () => void {
    this._changeListeners.add(listener);
    return () => this._changeListeners.delete(listener);
  }

  /**
   * The first hello. A transport that reports itself connected (or its frames ready) right away
   * triggers it; one that says nothing gets it after START_GRACE_MS. Either way one hello, so the
   * page encodes one snapshot, not two (10,000 states are megabytes).
   */
  start(): void {
    this._startTimer = setTimeout(() => this._hellos === 0 && this.hello(), START_GRACE_MS);
  }

  /** Says hello to every runtime of the tab, once per tick however often it is asked. */
  hello(): void {
    if (this._helloQueued) return;
    this._helloQueued = true;
    if (!this._rehello) {
      let done!: () => void;
      const promise = new Promise<void>((resolve) => (done = resolve));
      this._rehello = { promise, done };
    }
    queueMicrotask(() => {
      this._helloQueued = false;
      this._hellos++;
      this._rollCallOf('all');
    });
  }

  /** Sends hello to everyone (or to the runtimes asked again) and ends the roll call ROLL_CALL_MS later. */
  private _rollCallOf(asked: ReadonlySet<string> | 'all'): void {
    this._answered = new Set();
    this._asked = asked;
    for (const session of asked === 'all' ? [ANY_SESSION] : asked) {
      this.bridge.hello(this.trace, session).catch((error: unknown) => {
        // Unanswered (no runtime: the roll call below says so) or the client closed.
        if (error instanceof CommandError && (error.code === 'timeout' || error.code === 'disconnected')) return;
        console.warn('stratum: hello failed', error);
      });
    }
    clearTimeout(this._rollCall);
    this._rollCall = setTimeout(() => this._endRollCall(), ROLL_CALL_MS);
  }

  /**
   * Resolves with the target once one compatible runtime is chosen: at once when it runs in the
   * top frame, else after `topWaitMs` for the top frame's answer (a subframe may answer first).
   * Rejects after `timeout` with no compatible runtime, in the runtime's words when it is another
   * protocol version. With `held` (the command that waits), it waits only while something can still
   * bring a runtime: a hello or roll call under way, a target asked again, the wall coming back, a
   * frame that loaded a new document less than PAGE_LOAD_MS ago; once nothing can (the page went
   * away, the roll call dropped the last runtime, a reloaded page announced none) it fails at once.
   */
  async whenTargeted({ topWaitMs = ROLL_CALL_MS, timeout = 15_000, held }: { topWaitMs?: number; timeout?: number; held?: string } = {}): Promise<Ready> {
    const started = Date.now();
    for (;;) {
      const ready = this.ready;
      const waited = Date.now() - started;
      // A hello under way, or a target that missed a roll call and is asked again: gone (a reload) or
      // late, the next answer or roll call says which. Sent meanwhile, or while the wall is down, the
      // command may go to no one.
      const doubt = held !== undefined && !this._disposed && (this._rehello !== undefined || this._misses.has(this.target ?? '') || this.wallStatus === 'reconnecting');
      if (!doubt && ready?.compatible && (isTopPage(ready) || waited >= topWaitMs)) return ready;
      const other = this.runtimes.find((entry) => !entry.ready.compatible)?.ready;
      // Everyone answered (the roll call ended) and no runtime speaks this protocol.
      if (other && this.settled && !this.runtimes.some((entry) => entry.ready.compatible)) {
        throw new Error(other.message ?? 'The page runs another Stratum protocol version.');
      }
      if (waited >= timeout) {
        throw new CommandError('timeout', `hello got no answer from a compatible runtime within ${timeout} ms: is the page still there?`);
      }
      // A reloaded page's runtime announces itself once its scripts load; its announce brings a hello.
      if (held !== undefined && !doubt && (this._disposed || (this._rollCall === undefined && Date.now() - this._pageLoaded >= PAGE_LOAD_MS))) {
        throw new CommandError('disconnected', `${held} was not sent, so it was not applied: no Stratum runtime answers in this tab: ${this._lost ?? 'none answered hello'}. Open or reload a page that runs one, then try again`);
      }
      await new Promise<void>((resolve) => {
        const stop = this.onChange(() => (stop(), clearTimeout(timer), resolve()));
        const timer = setTimeout(() => (stop(), resolve()), Math.min(50, Math.max(1, timeout - waited)));
      });
    }
  }

  /** Points commands at another runtime (the target picker); it sends its snapshot. */
  choose(session: string): void {
    const entry = this.runtimes.find((candidate) => candidate.session === session);
    if (!entry) return;
    this._preferred = { name: entry.ready.runtime.name, url: entry.ready.runtime.frame.url };
    this._setTarget(session, true);
  }

  /** Asks the target for a fresh snapshot (refresh, a new target); it reaches onSnapshot listeners. */
  refresh(): Promise<void> {
    const session = this.target;
    if (session === null || !this.ready?.compatible) return Promise.resolve();
    // Only the panel listens to snapshots; it pulls a state's full value when it is selected.
    // Columns only from a runtime that sent them after hello: an older one refuses the flag.
    return this.request(Command.snapshot, this._columns.has(session) ? { previews: true, columns: true } : { previews: true }).then((snapshot) => {
      if (session === this.target) this._dispatchSnapshot(snapshot);
    });
  }

  /** Every snapshot of the target: pushed after hello, or asked for by refresh. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void {
    this._snapshotListeners.add(listener);
    return () => this._snapshotListeners.delete(listener);
  }

  /** A command to the target runtime, now. */
  request<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
    return this.bridge.request(name, payload, this.target ?? ANY_SESSION);
  }

  /** A command to the target once a hello under way has found it (after a reload, a new runtime). */
  async requestAfterHello<K extends CommandName>(name: K, payload: CommandRequest<K>): Promise<CommandResult<K>> {
    await this.whenTargeted({ topWaitMs: 0, held: name });
    return this.request(name, payload);
  }

  /** Listens to one event from the target runtime only (other runtimes of the tab stream too). */
  on<K extends Exclude<EventName, 'snapshot'>>(name: K, listener: (payload: RuntimeEvents[K]) => void): () => void {
    const stop = this.bridge.on(name, (payload, session) => {
      if (session === this.target) listener(payload);
    });
    this._stops.push(stop);
    return stop;
  }

  /**
   * Tells every runtime that answered that this client goes away (each stops streaming when no
   * client is left). Only `hello` may go to every runtime at once (ANY_SESSION); a runtime whose
   * answer had not arrived yet hears it from the transport (the background's `stop` for a client
   * whose port closed).
   */
  stop(): void {
    for (const { session, ready } of this.runtimes) {
      if (!ready.compatible) continue;
      this.bridge.request(Command.stop, { client: this.client }, session).catch((error: unknown) => {
        // The bridge shuts down right after sending this, so no answer is awaited ('disconnected').
        if (!(error instanceof CommandError && error.code === 'disconnected')) console.warn('stratum: stop failed', error);
      });
    }
    this.bridge.flush();
  }

  dispose(): void {
    this._disposed = true;
    clearTimeout(this._rollCall);
    clearTimeout(this._startTimer);
    this._rehello?.done();
    // Wakes a command waiting for a target in doubt: it then fails as sent after the close.
    this._changed();
    for (const stop of this._stops) stop();
    this._stops.length = 0;
  }

  private _changed(): void {
    for (const listener of [...this._changeListeners]) listener();
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
    this._misses.delete(session);
    const others = this.runtimes.filter((entry) => entry.session !== session);
    this.runtimes = [...others, { session, ready }].sort(byFrame);
    const target = this.runtimes.find((entry) => entry.session === this.target);
    if (!target || (!target.ready.compatible && ready.compatible)) this._pick(session);
    // The same app (name and frame) with a new id, while the old one has not answered: the page
    // reloaded. Follow it now rather than when the roll call gives up on the old one.
    else if (ready.compatible && !this._answered.has(target.session) && sameRuntime(target.ready, ready)) this._setTarget(session, false);
    // The top frame's page answered after a subframe or a worker the user did not pick: the page
    // first. A worker answers through its page's frame (top too), and under load it can answer first.
    else if (ready.compatible && isTopPage(ready) && !isTopPage(target.ready) && !this._preferred) this._setTarget(session, false);
    if (this.ready?.compatible) this._settleRehello();
    this._changed();
  }

  private _endRollCall(): void {
    this._rollCall = undefined;
    this.settled = true;
    this._settleRehello();
    // A transport that is down answers nothing: keep the runtimes we know until it is back.
    const again = new Set<string>();
    if (this.wallStatus !== 'reconnecting') {
      const answered = this.runtimes.filter((entry) => this._answered.has(entry.session));
      const alive = this.runtimes.filter((entry) => {
        if (this._answered.has(entry.session) || (this._asked !== 'all' && !this._asked.has(entry.session))) return true;
        // Gone for sure: the same app in the same frame answered under a new id (the page reloaded).
        if (answered.some((other) => sameRuntime(other.ready, entry.ready))) return this._forget(entry.session, 'the page reloaded');
        const misses = (this._misses.get(entry.session) ?? 0) + 1;
        // Asked again and silent again: gone (its page navigated away, its worker ended).
        if (misses >= MISSES_TO_DROP) return this._forget(entry.session, 'the page stopped answering (two roll calls went unanswered)');
        this._misses.set(entry.session, misses);
        again.add(entry.session);
        return true;
      });
      if (alive.length !== this.runtimes.length) {
        this.runtimes = alive;
        if (!alive.some((entry) => entry.session === this.target)) this._pick(undefined);
      }
    }
    this._changed();
    // Only the silent ones are asked again: a hello makes a runtime send its whole snapshot.
    if (again.size > 0) this._rollCallOf(again);
  }

  /** Drops what is known of a runtime gone for sure; the commands it had not answered fail now. */
  private _forget(session: string, why: string): false {
    this._misses.delete(session);
    this._lost = why;
    this.bridge.gone(session, why);
    return false;
  }

  private _settleRehello(): void {
    this._rehello?.done();
    this._rehello = undefined;
  }

  /** The preferred runtime if it answered, else the first compatible one (top frame first). */
  private _pick(answering: string | undefined): void {
    const list = this.runtimes;
    const chosen =
      list.find((entry) => entry.ready.compatible && this._matches(entry.ready)) ?? list.find((entry) => entry.ready.compatible) ?? list[0];
    const session = chosen?.session ?? null;
    if (session !== this.target) this._setTarget(session, session !== answering);
  }

  private _matches(ready: Ready): boolean {
    const preferred = this._preferred;
    return preferred !== undefined && ready.runtime.name === preferred.name && ready.runtime.frame.url === preferred.url;
  }

  private _setTarget(session: string | null, fetch: boolean): void {
    this.target = session;
    this.bridge.target = session ?? ANY_SESSION;
    this._changed();
    if (fetch) this.refresh().catch((error: unknown) => console.warn('stratum: the new target sent no snapshot', error));
  }
}

/** The top frame's own runtime, not one of its workers: what a client targets first. */
function isTopPage(ready: Ready): boolean {
  return ready.runtime.frame.top && ready.runtime.worker === undefined;
}

function sameRuntime(a: Ready, b: Ready): boolean {
  return (
    a.runtime.name === b.runtime.name &&
    a.runtime.frame.url === b.runtime.frame.url &&
    a.runtime.frame.top === b.runtime.frame.top &&
    a.runtime.worker?.url === b.runtime.worker?.url
  );
}

/**
 * Top frame first, a page's own runtime before the workers it relays (the default target stays
 * the page), then by URL and name: a stable order for the picker.
 */
function byFrame(a: RuntimeEntry, b: RuntimeEntry): number {
  const top = Number(b.ready.runtime.frame.top) - Number(a.ready.runtime.frame.top);
  const worker = Number(a.ready.runtime.worker !== undefined) - Number(b.ready.runtime.worker !== undefined);
  return (
    top ||
    a.ready.runtime.frame.url.localeCompare(b.ready.runtime.frame.url) ||
    worker ||
    a.ready.runtime.name.localeCompare(b.ready.runtime.name)
  );
}
