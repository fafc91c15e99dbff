/**
 * The kit's failure simulation and storage budget (issue 22): the panel's `simulate` command
 * with targets named as a test names them (a webstorage by kind + namespace, a database by name).
 */
import { Command, type ActiveSimulation, type CommandName, type CommandRequest, type CommandResult, type Snapshot, type SimulationSpec, type StorageBudget } from '../protocol/messages.js';

/** A failure to simulate in the page; see SimulationSpec (runtime/protocol/simulate.ts) for what each does. */
export type KitSimulation =
  | { fault: 'blocked'; kind: 'local' | 'session' }
  | { fault: 'quota'; storage: 'local' | 'session'; namespace?: string; bytes: number }
  | { fault: 'quota'; database: string; bytes: number }
  | { fault: 'openFails' }
  | { fault: 'abortNext'; database: string }
  | { fault: 'versionchange'; database: string }
  | { fault: 'clock'; offset: number };

export interface SimulationHandle {
  readonly id: string;
  /** The panel's banner text: what the page now sees. */
  readonly description: string;
  /** Turns this simulation off (as the banner's "Turn off"). */
  off(): Promise<void>;
}

export interface SimulateApi {
  /**
   * Turns a simulated failure on; `pinned` keeps it over reloads of the tab (in the page's
   * sessionStorage). Resolves once the page fails that way.
   */
  simulate(fault: KitSimulation, options?: { pinned?: boolean }): Promise<SimulationHandle>;
  /** What is simulated now. */
  simulations(): Promise<ActiveSimulation[]>;
  /** Turns one simulation off by id, or all of them (the default). */
  simulateOff(id?: string): Promise<void>;
  /** Bytes per webstorage namespace, table, index and blob store; the `top` largest items of each (default 10). */
  storageBudget(top?: number): Promise<StorageBudget>;
}

type Request = <K extends CommandName>(name: K, payload: CommandRequest<K>) => Promise<CommandResult<K>>;

/** connect.ts's StratumError, passed in (it imports this file). */
type Refuse = (code: string, message: string) => Error;

export function simulateApi(request: Request, snapshot: () => Promise<Snapshot>, refuse: Refuse): SimulateApi {
  const notFound = (what: string) => refuse('not-found', `simulate: no ${what} on the page.`);

  async function toSpec(fault: KitSimulation): Promise<SimulationSpec> {
    if (fault.fault === 'quota' && 'storage' in fault) {
      const namespace = fault.namespace ?? 'stratum';
      const found = (await snapshot()).webstorages.find((storage) => storage.kind === fault.storage && storage.namespace === namespace);
      if (!found) throw notFound(`webstorage('${fault.storage}', { namespace: '${namespace}' })`);
      return { fault: 'quota', storage: found.id, bytes: fault.bytes };
    }
    if ('database' in fault) {
      const found = (await snapshot()).databases.find((database) => database.name === fault.database && !database.closed);
      if (!found) throw notFound(`open database "${fault.database}"`);
      return fault.fault === 'quota' ? { fault: 'quota', database: found.id, bytes: fault.bytes } : { fault: fault.fault, database: found.id };
    }
    return fault as SimulationSpec;
  }

  const off = async (id = 'all') => void (await request(Command.simulate, { off: id }));

  return {
    async simulate(fault, options = {}) {
      const spec = await toSpec(fault);
      const { active } = await request(Command.simulate, { on: spec, ...(options.pinned !== undefined && { pinned: options.pinned }) });
      // The newest entry of this fault is the one just turned on (a versionchange stays listed until turned off).
      const mine = active.filter((entry) => entry.spec.fault === spec.fault).sort((a, b) => b.at - a.at)[0];
      const id = mine?.id ?? spec.fault;
      return { id, description: mine?.description ?? '', off: () => off(id) };
    },
    simulations: async () => (await request(Command.simulate, {})).active,
    simulateOff: off,
    storageBudget: (top) => request(Command.storageBudget, top === undefined ? {} : { top }),
  };
}
