/**
 * The Timeline tab: every event of the target runtime, newest last, in a bounded buffer
 * (MAX_ENTRIES; the oldest go first and are counted). Pause stops recording (what is skipped is
 * counted), clear empties it, export writes it as JSON. "Record call sites" turns the agent's
 * tracing on, so deltas carry stack frames.
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { Command, type EventName, type RuntimeEvents, type Snapshot } from '../../../runtime/protocol/messages.js';
import type { Connection } from './connection.js';
import { describe, STRATA, type Line, type Names, type Stratum, type TimelineEntry } from './timeline-events.js';
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
  readonly visible: ReadonlySignal<TimelineEntry[]>;
  private _next = 0;

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
          strata.has(entry.stratum) &&
          (needle === '' || `${entry.title} ${entry.label ?? ''} ${entry.detail}`.toLowerCase().includes(needle)),
      );
    });
    for (const event of RECORDED) {
      _connection.on(event, (payload) => this._record(describe(event, payload as RuntimeEvents[typeof event], _names, Date.now())));
    }
  }

  /** Called with each snapshot the panel applies (after hello, refresh, reconnect). */
  snapshot(snapshot: Snapshot): void {
    this.trace.value = snapshot.trace;
    this._record(describe('snapshot', snapshot, this._names, Date.now()));
  }

  toggleStratum(stratum: Stratum): void {
    const next = new Set(this.strata.peek());
    if (!next.delete(stratum)) next.add(stratum);
    this.strata.value = next;
  }

  clear(): void {
    this.entries.length = 0;
    this.selected.value = null;
    this.evicted.value = 0;
    this.skipped.value = 0;
    this.revision.value++;
  }

  /** Everything recorded (not only what the filter shows), as JSON a bug report can carry. */
  exportJson(): string {
    return JSON.stringify({ exported: new Date().toISOString(), evicted: this.evicted.peek(), entries: this.entries }, null, 2);
  }

  async setTrace(enabled: boolean): Promise<void> {
    this._connection.trace = enabled;
    const done = await this._ui.run(() => this._connection.request(Command.trace, { enabled }));
    if (done) this.trace.value = done.enabled;
  }

  private _record(line: Line | undefined): void {
    if (!line) return;
    if (this.paused.peek()) {
      this.skipped.value++;
      return;
    }
    this.entries.push({ id: ++this._next, ...line });
    // Trimmed in steps of a tenth, so a full buffer does not shift 5,000 items per event.
    if (this.entries.length > MAX_ENTRIES + MAX_ENTRIES / 10) {
      const drop = this.entries.length - MAX_ENTRIES;
      this.entries.splice(0, drop);
      this.evicted.value += drop;
    }
    this.revision.value++;
  }
}
