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

function isPlain(value: unknown): value is Fields {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * What each record of the store shows, kept per record: zustand replaces what changed, so a
 * change walks only the records it made rather than the whole store.
 */
const shown = new WeakMap<object, unknown>();

/**
 * The store's data as the panel shows it: functions (actions) left out, in nested records too
 * (`actions: { inc }`), and a record of functions only left out whole. Records holding no
 * function are the store's own objects, so equal parts stay identical.
 */
function dataOf(value: unknown): unknown {
  if (!isPlain(value)) return value;
  const known = shown.get(value);
  if (known) return known;
  const data: Fields = {};
  let same = true;
  for (const [key, item] of Object.entries(value)) {
    const inner = dataOf(item);
    if (typeof item === 'function' || (inner !== item && Object.keys(inner as Fields).length === 0)) same = false;
    else data[key] = inner;
    same &&= inner === item;
  }
  const result = same && Object.getOwnPropertySymbols(value).length === 0 ? value : data;
  shown.set(value, result);
  return result;
}

/**
 * `next` (a value the panel set) with what the store holds that the panel never shows put back
 * where it was: functions and symbol-keyed fields, in nested records too. The write replaces the
 * whole state (setState(next, true)), so whatever is not put back is lost.
 */
function withHidden(next: unknown, now: unknown): unknown {
  if (!isPlain(now) || (next !== undefined && !isPlain(next))) return next;
  let out = next as Fields | undefined;
  for (const key of Reflect.ownKeys(now)) {
    const item = now[key];
    const was = out?.[key];
    const kept = typeof item === 'function' || typeof key === 'symbol' ? item : withHidden(was, item);
    if (kept === was) continue;
    if (out === next) out = { ...out };
    out![key] = kept;
  }
  return out;
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
      read: () => dataOf(store.getState()),
      write(value) {
        const current = store.getState();
        // A store of fields (the usual one, actions among them) replaced by a number or null
        // would lose its actions, and the app would fail on its next call to one.
        if (isRecord(current) && !isRecord(value)) {
          throw new TypeError(`zustand store "${name}" holds an object of fields: set a field, not the whole state to ${Array.isArray(value) ? 'a list' : String(value)}.`);
        }
        store.setState(withHidden(value, current) as T, true);
      },
      subscribe: (changed) => store.subscribe((state, prev) => changed(labelOf(state, prev))),
      raw: () => store.getState(),
    },
  });
}
