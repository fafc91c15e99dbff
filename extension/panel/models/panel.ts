/**
 * The panel's root model: one bridge over the wall, and the models that own the panel's state.
 * Components read signals from here and call methods; nothing here touches the DOM. The
 * timeline subscribes first, so it can name a state before the State model forgets it.
 */
import { batch, effect, untracked } from '@preact/signals';
import { PanelBridge } from '#protocol/bridge.js';
import type { Snapshot } from '#protocol/messages.js';
import type { Schedule } from '#protocol/outbox.js';
import type { PanelWall } from '../wall.js';
import { BudgetModel } from './budget.js';
import { Connection } from './connection.js';
import { DatabaseModel } from './database.js';
import { FactsModel } from './facts.js';
import { FramesModel } from './frames.js';
import { RecordingModel } from './recording.js';
import { RestoreModel } from './restore.js';
import { SearchModel } from './search.js';
import { SimulationModel } from './simulation.js';
import { SnapshotModel } from './snapshots.js';
import { StateModel } from './state.js';
import { StorageModel } from './storage.js';
import { TimelineModel } from './timeline.js';
import { Ui } from './ui.js';
import { Expanded } from './value.js';
import { columnsClient } from '#protocol/columns.js';

/**
 * Commands leave at the end of the task that made them (all of one click in one envelope), not a
 * frame later: the panel sends little, and a row page waiting 16 ms for nothing is felt when
 * scrolling. The page's deltas keep the frame-or-16-ms coalescing DESIGN.md describes.
 */
const microtask: Schedule = (flush) => {
  let pending = true;
  queueMicrotask(() => pending && flush());
  return () => (pending = false);
};

export interface PanelOptions {
  wall: PanelWall;
  /** Names this panel connection (hello, stop, command ids): the wall's client, else random. */
  client?: string;
}

export class Panel {
  readonly wall: PanelWall;
  readonly bridge: PanelBridge;
  readonly connection: Connection;
  readonly ui = new Ui();
  readonly expanded = new Expanded();
  readonly timeline: TimelineModel;
  readonly states: StateModel;
  readonly storage: StorageModel;
  readonly facts: FactsModel;
  readonly frames: FramesModel;
  readonly database: DatabaseModel;
  readonly restore: RestoreModel;
  readonly snapshots: SnapshotModel;
  readonly recording: RecordingModel;
  readonly search: SearchModel;
  readonly simulation: SimulationModel;
  readonly budget: BudgetModel;
  private readonly _stop: () => void;

  constructor({ wall, client = wall.client ?? columnsClient() }: PanelOptions) {
    this.wall = wall;
    this.bridge = new PanelBridge({ wall, client, schedule: microtask, onDrop: (reason) => console.warn('stratum panel: dropped a message:', reason) });
    this.connection = new Connection(this.bridge, wall, client);
    this.timeline = new TimelineModel(this.connection, this.ui, {
      state: (store, state) => {
        const entry = this.states.entry(store, state);
        const name = this.states.storeName(store);
        return entry && name !== undefined ? { store: name, scope: entry.scope, key: entry.key } : undefined;
      },
      store: (id) => this.states.storeName(id),
      storage: (id) => {
        const item = this.storage.byId(id);
        return item && `${item.info.kind}:${item.info.namespace}`;
      },
      database: (id) => this.database.databases.peek().find((db) => db.id === id)?.name,
    });
    this.states = new StateModel(this.connection, this.ui);
    this.storage = new StorageModel(this.connection, this.ui);
    this.facts = new FactsModel(this.connection, this.ui);
    this.frames = new FramesModel(this.connection);
    this.database = new DatabaseModel(this.connection, this.ui);
    this.restore = new RestoreModel(this.connection, this.ui, this.timeline, this.states, this.storage, this.database);
    this.snapshots = new SnapshotModel(this.connection, this.ui);
    this.recording = new RecordingModel(this.connection, this.ui);
    this.search = new SearchModel(this.connection, this.ui, { states: this.states, storage: this.storage, database: this.database, expanded: this.expanded });
    this.simulation = new SimulationModel(this.connection, this.ui);
    this.budget = new BudgetModel(this.connection, this.ui);
    const stopSnapshots = this.connection.onSnapshot((snapshot) => this._apply(snapshot));
    // No runtime left (the page navigated away from Stratum): show nothing rather than stale data.
    let had = false;
    const stopEmpty = effect(() => {
      const target = this.connection.target.value;
      if (target === null && had) untracked(() => this._apply({ at: Date.now(), stores: [], webstorages: [], databases: [], reports: [], trace: this.timeline.trace.peek() }));
      had = target !== null;
    });
    // The snapshot lists states with previews; the selected one is pulled whole (issue 18).
    const stopPull = effect(() => {
      const entry = this.states.selectedEntry.value;
      if (entry?.preview) untracked(() => void this.states.pull(entry));
    });
    this._stop = () => {
      stopSnapshots();
      stopEmpty();
      stopPull();
    };
  }

  start(): void {
    this.connection.start();
  }

  /** The header's refresh: a fresh snapshot, page facts, and what the open views show. */
  async refresh(): Promise<void> {
    await this.ui.run(() => this.connection.refresh());
  }

  /** Says stop to the runtimes, then closes the bridge and the wall. */
  dispose(): void {
    this.connection.stop();
    this._stop();
    this.connection.dispose();
    this.database.dispose();
    this.simulation.dispose();
    this.ui.dispose();
    this.bridge.shutdown();
    this.wall.close();
  }

  private _apply(snapshot: Snapshot): void {
    batch(() => {
      this.states.applySnapshot(snapshot.stores);
      this.storage.applySnapshot(snapshot.webstorages, snapshot.requests);
      this.database.applySnapshot(snapshot.databases);
      this.timeline.snapshot(snapshot);
    });
    if (this.connection.target.peek() === null) {
      this.facts.facts.value = null;
      this.simulation.clear();
    } else {
      void this.facts.load();
      void this.simulation.load();
    }
  }
}
