/**
 * Loaded by the main-world shim on a library's first `connect()` (a web-accessible ESM bundle):
 * a Stratum runtime of its own (registry, lazy agent, the adapters' mirror) that shows each
 * connection as a mirrored store, scope `devtools:<name>` (`redux:<name>` for stores made
 * through the enhancer). The library stays the source of truth: `init`/`send` are its changes
 * (the action type labels the timeline), and a panel edit or restore goes back to it as the
 * Redux DevTools extension's own `JUMP_TO_STATE` message, which the library applies itself.
 */
import { config, configureDevtools, panelListener } from '#runtime/registry/registry.js';
import { start } from '#runtime/devtools/start.js';
import { mirror, type MirrorSource, type StratumAdapter } from '#runtime/adapters/mirror.js';
import { isMirrored } from '#runtime/adapters/claimed.js';
import type { DevtoolsMessage, ShimCall, ShimConnection } from './shim.js';

const taken = new Set<string>();

/** `options.name`, else the page's title as the real extension does; a second one gets " (2)". */
function nameOf(connection: ShimConnection): string {
  const wanted = typeof connection.options.name === 'string' && connection.options.name !== '' ? connection.options.name : document.title || 'store';
  let name = wanted;
  for (let n = 2; taken.has(`${connection.library}:${name}`); n++) name = `${wanted} (${n})`;
  taken.add(`${connection.library}:${name}`);
  return name;
}

/** Function fields (zustand keeps its actions in the state) stay out of the panel, as the adapters do. */
function dataOf(state: unknown): unknown {
  if (typeof state !== 'object' || state === null || Array.isArray(state) || Object.getPrototypeOf(state) !== Object.prototype) return state;
  return Object.fromEntries(Object.entries(state).filter(([, value]) => typeof value !== 'function'));
}

function labelOf(action: unknown): string {
  const type = typeof action === 'object' && action !== null ? (action as { type?: unknown }).type : action;
  return typeof type === 'string' && type !== '' ? type : 'anonymous';
}

// Not a runtime yet: a page whose only connections are stores an adapter already shows must not
// get an empty second runtime in the picker. Nothing listens until listen() below starts the
// listener itself (this bundle leaves out the entries' hook, devtools/hook.ts); off until then.
configureDevtools({ enabled: false });
let listening = false;

/** The first store to show makes this bundle a runtime the panel can find. */
function listen(): void {
  if (listening) return;
  listening = true;
  // Beside a page's own Stratum runtime, the target picker tells the two apart by this name.
  configureDevtools({ enabled: true, name: `${document.title || location.host} (Redux DevTools protocol)` });
  // What the entries' hook (devtools/hook.ts) does in a page: listen, and let configureDevtools stop it.
  panelListener._stop = start(config);
}

export function attach(connection: ShimConnection): void {
  let current: unknown;
  let adapter: StratumAdapter | undefined;
  let changed: ((label: string) => void) | undefined;
  let hidden = false;
  let name: string | undefined;

  const source: MirrorSource = {
    // The enhancer's store is read as it is now; a connect() library only tells what it holds.
    read: () => dataOf(connection.read ? connection.read() : current),
    write(value) {
      if (connection.listeners.size === 0) {
        throw new Error(`"${name}" cannot be changed from the panel: its library does not listen to Redux DevTools messages (or it unsubscribed).`);
      }
      const message: DevtoolsMessage = { type: 'DISPATCH', payload: { type: 'JUMP_TO_STATE' }, state: JSON.stringify(value), value };
      // What the library was told; a library that reports the state it kept (the enhancer does,
      // synchronously) replaces it through `send` before the mirror reads it back. A connect()
      // library parses the JSON and does not echo, so it holds the parsed value (a Date is a string).
      current = connection.library === 'devtools' ? JSON.parse(message.state) : value;
      for (const listener of [...connection.listeners]) listener(message);
    },
    subscribe(fn) {
      changed = fn;
      return () => (changed = undefined);
    },
  };

  const receive = (call: ShimCall): void => {
    if (hidden) return;
    if (call[0] === 'error') return console.warn(`Stratum: the library of "${name ?? connection.options.name}" reported an error to the devtools:`, call[1]);
    const [kind, action, state] = call[0] === 'init' ? [call[0], undefined, call[1]] : call;
    // zustand's IMPORT_STATE sends the lifted state with a null action: not a state of the store.
    if (kind === 'send' && action === null) return;
    if (isMirrored(state)) {
      // A Stratum adapter on this page shows this very store: it wins (it edits without JSON).
      hidden = true;
      adapter?.stop();
      return;
    }
    current = state;
    if (!adapter) {
      name = nameOf(connection);
      adapter = mirror(connection.library, name, { state: source });
      listen();
    } else changed?.(kind === 'init' ? 'init' : labelOf(action));
  };
  connection.sink = receive;
  for (const call of connection.queue.splice(0)) receive(call);
}
