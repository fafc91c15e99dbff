/**
 * The Timeline tab: every event of the target runtime, newest last, in a bounded buffer
 * (MAX_ENTRIES; the oldest go first and are counted). Pause stops recording (what is skipped is
 * counted), clear empties it, export writes it as JSON. "Record call sites" turns the agent's
 * tracing on, so deltas carry stack frames.
 *
 * A new runtime answering (the page reloaded, or another runtime was picked) starts a new page
 * load. Like the Network panel, the timeline then starts empty, unless "preserve log" is on: the
 * earlier entries stay (same bound), below them a "page reloaded" divider, and they are marked
 * as earlier. A reconnect to the same runtime (the service worker came back) is no new load.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { Command, type EventName, type RuntimeEvents, type RuntimeInfo, type Snapshot } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import { HeldBudget } from './memory.js';
import { describe, STRATA, type Line, type Names, type Stratum, type TimelineEntry } from './timeline-events.js';
import { hasRowsToRead, readRows } from './timeline-rows.js';
import type { Ui } from './ui.js';

export const MAX_ENTRIES = 5000;

const RECORDED: Exclude<EventName, 'snapshot' | 'response' | 'announce'>[] = [
  'stateAdded',
  'stateChanged',
  'stateRemoved',
  'webstorageChanged',
  'dbChanged',
  'registered',
  'unregistered',
  'report',
];

export class TimelineModel {
  /** Mutated in place (5,000 entries are not copied per event); `revision` tells readers. */
  readonly entries: TimelineEntry[] = [];
  readonly revision = signal(0);
  readonly paused = signal(false);
  readonly strata = signal<ReadonlySet<Stratum>>(new Set(STRATA));
  readonly filter = signal('');
  readonly selected = signal<number | null>(null);
  /** Entries dropped off the front of the buffer. */
  readonly evicted = signal(0);
  /** Events not recorded while paused. */
  readonly skipped = signal(0);
  readonly trace = signal(false);
  /** Keep the entries when the page reloads (off by default, as in the Network panel). */
  readonly preserve = signal(false);
  /** The page load entries are recorded under now (1, then +1 per new runtime). */
  readonly load = signal(1);
  readonly visible: ReadonlySignal<TimelineEntry[]>;
  private _next = 0;
  /** The values the entries hold, within MEMORY.timelineBytes: the oldest go first. */
  private readonly _held = new HeldBudget();
  /** The runtime whose snapshot came last (null before the first). */
  private _session: string | null = null;
  private _runtime: RuntimeInfo | undefined;
  /** Which runtime each page load showed: a restore finds things by name only within one app. */
  private readonly _loads = new Map<number, RuntimeInfo>();

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
    private readonly _names: Names,
  ) {
    this.visible = computed(() => {
      this.revision.value;
      const strata = this.strata.value;
      const needle = this.filter.value.trim().toLowerCase();
      return this.entries.filter(
        (entry) =>
          entry.divider === true ||
          (strata.has(entry.stratum) && (needle === '' || `${entry.title} ${entry.label ?? ''} ${entry.detail}`.toLowerCase().includes(needle))),
      );
    });
    for (const event of RECORDED) {
      _connection.on(event, (payload) => this._record(describe(event, payload as RuntimeEvents[typeof event], _names, Date.now())));
    }
  }

  /** Called with each snapshot the panel applies (after hello, refresh, reconnect). */
  snapshot(snapshot: Snapshot): void {
    this.trace.value = snapshot.trace;
    const session = this._connection.target.peek();
    if (session !== null) {
      const runtime = this._connection.runtimes.peek().find((entry) => entry.session === session)?.ready.runtime;
      if (this._session !== null && session !== this._session) this._newLoad(runtime);
      this._session = session;
      this._runtime = runtime;
      if (runtime) this._loads.set(this.load.peek(), runtime);
    }
    this._record(describe('snapshot', snapshot, this._names, Date.now()));
  }

  /**
   * The app of an earlier page load when it is not the one shown now (another runtime picked, not
   * a reload of the same one): names found again in it would name another app's things.
   */
  otherApp(load: number): RuntimeInfo | undefined {
    const then = this._loads.get(load);
    const now = this._loads.get(this.load.peek());
    if (!then || !now) return undefined;
    const same = then.name === now.name && then.frame.url === now.frame.url && then.worker?.url === now.worker?.url;
    return same ? undefined : then;
  }

  /** The entry with this id, if still in the buffer. */
  byId(id: number): TimelineEntry | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  toggleStratum(stratum: Stratum): void {
    const next = new Set(this.strata.peek());
    if (!next.delete(stratum)) next.add(stratum);
    this.strata.value = next;
  }

  clear(): void {
    this.entries.length = 0;
    this._held.clear();
    this.selected.value = null;
    this.evicted.value = 0;
    this.skipped.value = 0;
    this.revision.value++;
  }

  /**
   * Everything recorded (not only what the filter shows), as JSON a bug report can carry, with what
   * it lacks: entries dropped off the front, and events left out while paused.
   */
  exportJson(): string {
    return JSON.stringify({ exported: new Date().toISOString(), evicted: this.evicted.peek(), skipped: this.skipped.peek(), entries: this.entries }, null, 2);
  }

  async setTrace(enabled: boolean): Promise<void> {
    this._connection.trace = enabled;
    const done = await this._ui.run(() => this._connection.request(Command.trace, { enabled }));
    if (done) this.trace.value = done.enabled;
    // Every later hello carries the choice: a refused one must not turn tracing on behind an unticked box.
    this._connection.trace = this.trace.peek();
  }

  private _newLoad(runtime: RuntimeInfo | undefined): void {
    const previous = this._runtime;
    this.load.value++;
    if (!this.preserve.peek()) return this.clear();
    const same = runtime !== undefined && previous !== undefined && runtime.name === previous.name && runtime.frame.url === previous.frame.url;
    const title = same || runtime === undefined ? 'page reloaded' : `now showing ${runtime.name}`;
    // Recorded even while paused: it says where the earlier entries end.
    this._push({ at: Date.now(), stratum: 'runtime', event: 'snapshot', title, changes: 1, detail: runtime ? `${runtime.name} (${runtime.frame.url})` : '', divider: true });
  }

  private _record(line: Line | undefined): void {
    if (!line) return;
    if (this.paused.peek()) {
      this.skipped.value++;
      return;
    }
    const entry = this._push(line);
    if (hasRowsToRead(entry.held)) {
      void readRows(this._connection, entry.held).then(() => {
        if (this.entries.includes(entry)) this._held.hold(entry.held);
        this.revision.value++;
      });
    }
  }

  private _push(line: Line): TimelineEntry {
    const entry: TimelineEntry = { id: ++this._next, ...line, load: this.load.peek() };
    this.entries.push(entry);
    // Trimmed in steps of a tenth, so a full buffer does not shift 5,000 items per event.
    if (this.entries.length > MAX_ENTRIES + MAX_ENTRIES / 10) {
      const drop = this.entries.length - MAX_ENTRIES;
      for (const gone of this.entries.splice(0, drop)) this._held.release(gone.held);
      this.evicted.value += drop;
    }
    this._held.hold(entry.held);
    this.revision.value++;
    return entry;
  }
}
