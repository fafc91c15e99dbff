/**
 * zustand: `stratumZustand(store, { name })` for a vanilla store (`createStore`) or a React hook
 * (`create`): both carry getState / setState / subscribe, and that is all this reads. Actions
 * (function-valued fields) stay out of the panel and survive every edit: a panel edit replaces
 * the data fields and puts the store's own functions back.
 */
import { adapterName, mirror, type AdapterOptions, type StratumAdapter } from '../mirror.js';

/** The part of a zustand StoreApi (vanilla or the React hook) the adapter uses. */
export interface ZustandStore<T> {
  getState(): T;
  setState(next: T, replace: true): void;
  subscribe(listener: (state: T, prev: T) => void): () => void;
}

type Fields = Record<PropertyKey, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function split(state: unknown): { data: unknown; actions: Fields } {
  if (!isRecord(state)) return { data: state, actions: {} };
  const data: Fields = {};
  const actions: Fields = {};
  for (const [key, value] of Object.entries(state)) (typeof value === 'function' ? actions : data)[key] = value;
  // Symbol-keyed fields are the app's own, as actions are: the write replaces the whole state
  // (Object.entries skips them), so they go back with it.
  for (const key of Object.getOwnPropertySymbols(state)) actions[key] = state[key];
  return { data, actions };
}

/** `setState: count, items`: which data fields the change touched. */
function labelOf(state: unknown, prev: unknown): string {
  if (!isRecord(state) || !isRecord(prev)) return 'setState';
  const keys = new Set([...Object.keys(state), ...Object.keys(prev)]);
  const changed = [...keys].filter((key) => typeof state[key] !== 'function' && !Object.is(state[key], prev[key]));
  return changed.length === 0 ? 'setState' : `setState: ${changed.join(', ')}`;
}

/** Shows a zustand store in the panel as the state `state` of scope `zustand:<name>`. */
export function stratumZustand<T>(store: ZustandStore<T>, options: AdapterOptions): StratumAdapter {
  const name = adapterName('Zustand', options);
  return mirror('zustand', name, {
    state: {
      read: () => split(store.getState()).data,
      write(value) {
        const current = store.getState();
        // A store of fields (the usual one, actions among them) replaced by a number or null
        // would lose its actions, and the app would fail on its next call to one.
        if (isRecord(current) && !isRecord(value)) {
          throw new TypeError(`zustand store "${name}" holds an object of fields: set a field, not the whole state to ${Array.isArray(value) ? 'a list' : String(value)}.`);
        }
        const { actions } = split(current);
        store.setState((isRecord(value) ? { ...value, ...actions } : value) as T, true);
      },
      subscribe: (changed) => store.subscribe((state, prev) => changed(labelOf(state, prev))),
      raw: () => store.getState(),
    },
  });
}
