/**
 * The page-side agent: answers the panel's commands and streams deltas while at least one panel
 * is connected. Silent until a compatible `hello`, silent again after the last `stop`.
 */
import { RuntimeBridge, type Wall } from '../../protocol/bridge.js';
import {
  Command,
  Event,
  PROTOCOL_VERSION,
  type CommandMessage,
  type CommandName,
  type CommandRequest,
  type DatabaseInfo,
  type Ready,
  type RuntimeInfo,
  type Snapshot,
} from '../../protocol/messages.js';
import type { Schedule } from '../../protocol/outbox.js';
import { config, liveRequests, recentReports, registered } from '../../registry/registry.js';
import { CommandError, toProtocolError } from '../../protocol/errors.js';
import { blobCommands } from './commands/blob.js';
import { cacheCommands } from './commands/cache.js';
import { dbCommands } from './commands/db.js';
import { pageFacts } from './commands/page.js';
import { valueCommands } from './commands/values.js';
import type { Write } from './commands/edit.js';
import type { SnapshotCommand } from '../snapshot/commands.js';
import type { RecordCommand } from '../record/commands.js';
import type { Context, Handler, Handlers } from './context.js';
import { readsColumns } from '../../protocol/columns.js';
import { databaseInfo, Previews, reportInfo, storeInfo, webstorageInfo, type SnapshotForm } from './snapshot.js';
import { InlineBlobs } from './show.js';
import { KeyHandles } from './key-handles.js';
import { all } from './targets.js';
import { Uploads } from './uploads.js';
import { Watcher } from './watch.js';

export interface AgentOptions {
  wall: Wall;
  info: RuntimeInfo;
  /** Messages dropped before they reached the agent (the registry's window listener counts them). */
  dropped?: () => number;
  schedule?: Schedule;
}

type Routed = Exclude<CommandName, 'hello' | 'stop' | 'snapshot' | 'trace'>;

/** The snapshot commands load on the first one: most sessions never export a file. */
let snapshots: Promise<typeof import('../snapshot/commands.js')> | undefined;

function lazy<K extends SnapshotCommand>(name: K): Handler<K> {
  return (payload, context) => (snapshots ??= import('../snapshot/commands.js')).then(({ snapshotCommands }) => snapshotCommands[name](payload, context));
}

/** The recording commands (issue 23) load on the first one. */
let records: Promise<typeof import('../record/commands.js')> | undefined;

function recording<K extends RecordCommand>(name: K): Handler<K> {
  return (payload, context) => (records ??= import('../record/commands.js')).then(({ recordCommands }) => recordCommands[name](payload, context));
}

/** Resolving frames loads the source-map reader on the first request: only traces need it. */
let frameCommands: Promise<typeof import('./commands/frames.js')> | undefined;

/** Search loads on the first one (issue 22): most sessions never search. */
let searchModule: Promise<typeof import('./commands/search.js')> | undefined;
/** The query console loads on its first command, as search does. */
let consoleModule: Promise<typeof import('./commands/console.js')> | undefined;

/** Writes load on the first one: a session that only looks never needs them (size budget). */
let writeModule: Promise<typeof import('./commands/edit.js')> | undefined;
/** Once loaded, a write runs in the command's own tick (a state's edit or set is answered at once, as before). */
let writeCommands: Handlers<Write> | undefined;

function write<K extends Write>(name: K): Handler<K> {
  return (payload, context) =>
    writeCommands?.[name](payload, context) ??
    (writeModule ??= import('./commands/edit.js')).then((module) => (writeCommands = module.writes)[name](payload, context));
}

/** Failure simulation and the storage budget load on first use (or for pinned faults after a reload). */
let simulateModule: Promise<typeof import('./simulate/commands.js')> | undefined;

function simulation(context: Context): Promise<typeof import('./simulate/commands.js')> {
  return (simulateModule ??= import('./simulate/commands.js')).then((module) => (module.useReports(context), module));
}

const ROUTED: Handlers<Routed> = {
  // Listing before anything was simulated needs no chunk: the panel asks with every snapshot.
  simulate: (payload, context) =>
    !simulateModule && !payload.on && payload.off === undefined
      ? { active: [] }
      : simulation(context).then((module) => module.simulateCommands.simulate(payload, context)),
  storageBudget: (payload, context) => simulation(context).then((module) => module.simulateCommands.storageBudget(payload, context)),
  storagePersist: (payload, context) => simulation(context).then((module) => module.simulateCommands.storagePersist(payload, context)),
  edit: write('edit'),
  stateSet: write('stateSet'),
  webstorageSet: write('webstorageSet'),
  webstorageRemove: write('webstorageRemove'),
  webstorageClear: write('webstorageClear'),
  dbPut: write('dbPut'),
  dbAdd: write('dbAdd'),
  dbDelete: write('dbDelete'),
  cacheSet: write('cacheSet'),
  cacheDelete: write('cacheDelete'),
  resolveFrames: (payload, context) => (frameCommands ??= import('./commands/frames.js')).then((module) => module.frameCommands.resolveFrames(payload, context)),
  snapshotExport: lazy('snapshotExport'),
  snapshotRead: lazy('snapshotRead'),
  snapshotWrite: lazy('snapshotWrite'),
  snapshotPreview: lazy('snapshotPreview'),
  snapshotImport: lazy('snapshotImport'),
  snapshotDiscard: lazy('snapshotDiscard'),
  recordStart: recording('recordStart'),
  recordStatus: recording('recordStatus'),
  recordStop: recording('recordStop'),
  replayApply: recording('replayApply'),
  rehearseUpgrade: recording('rehearseUpgrade'),
  ...dbCommands,
  ...cacheCommands,
  ...blobCommands,
  ...valueCommands,
  // $stratum loads on the first one: most sessions never store a value as a global.
  storeAsGlobal: (payload, context) => import('./commands/global.js').then(({ globalCommands }) => globalCommands.storeAsGlobal(payload, context)),
  pageFacts: (_payload, context) => pageFacts(context.dropped()),
  search: (payload, context) => (searchModule ??= import('./commands/search.js')).then((module) => module.searchCommands.search(payload, context)),
  dbConsole: (payload, context) => (consoleModule ??= import('./commands/console.js')).then((module) => module.consoleCommands.dbConsole(payload, context)),
  dbSql: (payload, context) => (consoleModule ??= import('./commands/console.js')).then((module) => module.consoleCommands.dbSql(payload, context)),
  dbWrite: (payload, context) => (consoleModule ??= import('./commands/console.js')).then((module) => module.consoleCommands.dbWrite(payload, context)),
  originStores: () => import('./commands/origin.js').then(({ originStores }) => originStores(globalThis as { caches?: CacheStorage; navigator?: Navigator })),
};

/** Simulations pinned in this tab's sessionStorage (see simulate/commands.ts) come back on the first hello after a reload. */
let pinsRestored = false;
function restorePinned(context: Context): void {
  if (pinsRestored) return;
  pinsRestored = true;
  let pinned = false;
  try {
    pinned = typeof sessionStorage !== 'undefined' && sessionStorage.getItem('stratum-devtools/simulate') !== null;
  } catch (error) {
    console.debug('stratum devtools: sessionStorage unreadable, no pinned simulations', error);
  }
  if (pinned) void simulation(context).then((module) => module.restorePinned(), (error: unknown) => console.error('stratum devtools: pinned simulations failed', error));
}

function mismatch(info: RuntimeInfo, panel: number): string {
  const page = `This page runs stratum ${info.version}, protocol ${PROTOCOL_VERSION}; the panel speaks protocol ${panel}.`;
  return panel < PROTOCOL_VERSION
    ? `${page} Update the Stratum DevTools extension.`
    : `${page} Update the page's stratum package, or use the extension version that matches it.`;
}

/**
 * A database's ConstraintError names rows by their keys ("unique index 'byName' already has
 * "bob" (row "bob@example.com")"): where redact() is set, such a key may be one it hides, so the
 * panel gets the refusal by its code and kind, without the database's words.
 */
function unquoted(error: unknown): never {
  if (!config.redact || error instanceof CommandError || !(error instanceof Error) || error.name !== 'ConstraintError') throw error;
  throw new CommandError(
    toProtocolError(error).code,
    `${error.name}: the write repeats a key or a value of a unique index (the database's words are left out: they may quote a key configureDevtools({ redact }) hides)`,
  );
}

export class Agent {
  readonly bridge: RuntimeBridge;
  private readonly _watcher: Watcher;
  private readonly _clients = new Set<string>();
  private readonly _context: Context;
  /** Snapshots queued but not yet sent: their stores and webstorages are read at flush. */
  private readonly _unfilled = new Map<Snapshot, SnapshotForm>();

  constructor(private readonly _options: AgentOptions) {
    this.bridge = new RuntimeBridge({
      wall: _options.wall,
      session: _options.info.id,
      handle: (message, v) => this._handle(message, v),
      ...(_options.schedule && { schedule: _options.schedule }),
    });
    this._context = {
      blobs: new InlineBlobs(),
      uploads: new Uploads(),
      keys: new KeyHandles(),
      dropped: () => this.bridge.dropped + (_options.dropped?.() ?? 0),
      label: (label, fn) => this._watcher.labelled(label, fn),
      report: (info) => this.bridge.send(Event.report, info),
    };
    this._watcher = new Watcher(this.bridge, this._context.blobs, this._context.keys);
    this.bridge.beforeFlush(() => {
      // Snapshots first: reading a webstorage can queue a delta (a text read for the first time
      // that cannot be decoded is reported), which leaves in this flush and must be filled too.
      this._fillSnapshots();
      this._watcher.fill();
    });
  }

  get connected(): boolean {
    return this._clients.size > 0;
  }

  /**
   * Forgets every panel (the transport lost them all at once, as a WebSocket relay going away):
   * silent until the next hello, which the panels send when the transport is back.
   */
  forgetPanels(): void {
    if (this.connected) this._disconnect();
  }

  /** Goes silent for good: configureDevtools({ enabled: false }) after start, or the page going away. */
  shutdown(): void {
    this._disconnect();
    this.bridge.shutdown();
  }

  private _handle(message: CommandMessage, v: number): Promise<unknown> | object | undefined {
    if (message.command === Command.hello) return this._hello(message.payload, v);
    if (!this.connected) return undefined;
    switch (message.command) {
      case Command.stop:
        return this._stop(message.payload.client);
      case Command.snapshot:
        return this._snapshot(message.payload.previews !== true ? 'full' : message.payload.columns === true ? 'columns' : 'previews');
      case Command.trace:
        this._watcher.trace = message.payload.enabled;
        return { enabled: this._watcher.trace };
      default: {
        const handler = ROUTED[message.command] as Handler<Routed>;
        // Writes the handler starts synchronously are the panel's: no call site to trace.
        const result = this._watcher.busy(() => handler(message.payload as CommandRequest<Routed>, this._context));
        return result instanceof Promise ? result.catch(unquoted) : result;
      }
    }
  }

  private _hello({ protocol, client, trace }: CommandRequest<'hello'>, v: number): Ready {
    const info = this._options.info;
    const compatible = protocol === PROTOCOL_VERSION && v === PROTOCOL_VERSION;
    const ready: Ready = {
      runtime: info,
      protocol: { runtime: PROTOCOL_VERSION, panel: protocol },
      compatible,
      dropped: this._context.dropped(),
    };
    if (!compatible) {
      ready.message = mismatch(info, protocol);
      return ready;
    }
    if (trace !== undefined) this._watcher.trace = trace;
    if (this._clients.size === 0) this._watcher.start(registered());
    this._clients.add(client);
    restorePinned(this._context);
    // After this answer (sent in this tick): the snapshot, then deltas. A panel's snapshot
    // carries previews (it pulls a full value on select, issue 18); any other client — the kit, a
    // user's tool, a test playing the content script — gets values, as before. `hello` is frozen,
    // so the panel is told by its client id (`panel-…`, extension and standalone alike). The kit
    // page also swaps a preview snapshot it overhears from a panel for a full one. A panel whose
    // id says it reads columns (protocol/columns.ts) gets its states as columns (issue 18).
    const form: SnapshotForm = readsColumns(client) ? 'columns' : client.startsWith('panel-') ? 'previews' : 'full';
    void this._snapshot(form).then(
      (snapshot) => {
        if (!this.connected) return;
        this.bridge.send(Event.snapshot, snapshot);
        // Out now, not at the next frame: the answer to hello left a moment ago, so the outbox
        // would hold the snapshot up to 16 ms, and the panel shows nothing until it comes
        // (issue 18). Deltas queued before it leave with it, in order, as at any flush.
        this.bridge.flush();
      },
      (error: unknown) => console.error('stratum devtools: the snapshot failed', error),
    );
    return ready;
  }

  private _stop(client: string): { clients: number } {
    this._clients.delete(client);
    if (this._clients.size === 0) this._disconnect();
    return { clients: this._clients.size };
  }

  private _disconnect(): void {
    // What is queued goes out with its values before the watchers stop.
    this.bridge.flush();
    this._clients.clear();
    this._watcher.stop();
    this._context.uploads.clear();
    this._context.blobs.clear();
    this._context.keys.clear();
    void snapshots?.then(({ transfers }) => transfers.clear());
    void records?.then(({ dropRecording }) => dropRecording());
    this._unfilled.clear();
  }

  /**
   * Databases are described first (counting is async); stores and webstorages are read when the
   * snapshot leaves, in the same tick as the deltas queued with it, so none is missing or older.
   */
  private async _snapshot(form: SnapshotForm): Promise<Snapshot> {
    // A database opened while others are counted sends its own `registered` once described,
    // maybe before this snapshot, which panels apply by replacing their list: so until no new
    // one appeared, it is described here too (and one gone meanwhile is left out). A few rounds
    // at most: a server opening databases all the time must still get its snapshot.
    const described = new Map<number, DatabaseInfo>();
    for (let fresh = all('database'), round = 0; fresh.length > 0 && round < 4; fresh = all('database').filter(({ id }) => !described.has(id)), round++) {
      for (const info of await Promise.all(fresh.map(({ id, object }) => databaseInfo(id, object)))) described.set(info.id, info);
    }
    const databases = all('database').flatMap(({ id }) => described.get(id) ?? []);
    const snapshot: Snapshot = { at: 0, stores: [], webstorages: [], databases, reports: [], trace: this._watcher.trace };
    this._unfilled.set(snapshot, form);
    return snapshot;
  }

  private _fillSnapshots(): void {
    for (const [snapshot, form] of this._unfilled) {
      snapshot.at = Date.now();
      snapshot.stores = all('store').map(({ id, object }) => storeInfo(id, object, this._context.blobs, form === 'full' ? undefined : new Previews(), form === 'columns'));
      snapshot.webstorages = all('webstorage').map(({ id, object }) => webstorageInfo(id, object, this._context.blobs));
      snapshot.reports = recentReports().map(reportInfo);
      snapshot.trace = this._watcher.trace;
      if (liveRequests.live > 0) snapshot.requests = { live: liveRequests.live, listed: liveRequests.listed };
      else delete snapshot.requests;
    }
    this._unfilled.clear();
  }
}

/** Starts an agent on a wall (the registry does so on a panel's hello; tests and other transports may too). */
export function startAgent(options: AgentOptions): Agent {
  return new Agent(options);
}
