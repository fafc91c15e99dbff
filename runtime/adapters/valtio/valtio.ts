/**
 * valtio: `stratumValtio(state, { name })` shows a valtio proxy as the state `state` of scope
 * `valtio:<name>`, from its snapshots. Changes are labelled with the operations valtio reports
 * (`set todos.0.done`) when the app enabled them (`unstable_enableOp`, off by default in valtio
 * 2: the adapter does not switch it on for the whole page), else with the top-level fields that
 * changed (`set todos`: snapshots share what did not change, so identity tells). A panel edit is
 * written into the proxy and the proxies it holds, only what differs (removed keys deleted), as
 * the app itself would write it (patch.ts).
 */
import { getVersion, snapshot, subscribe } from 'valtio/vanilla';
import { copyData } from '../copy.js';
import { adapterName, mirror, type AdapterOptions, type StratumAdapter } from '../mirror.js';
import { patchInto } from '../patch.js';

type Fields = Record<string, unknown>;
type Op = readonly [string, readonly PropertyKey[], ...unknown[]];

/** `set todos.0.done`, or the first op and how many more; without ops, the fields that changed. */
function labelOf(ops: readonly Op[], before: Fields, after: Fields): string {
  const first = ops[0];
  if (!first) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]);
    return keys.length === 0 ? 'set' : `set ${keys.join(', ')}`;
  }
  const text = `${first[0]} ${first[1].map(String).join('.')}`;
  return ops.length > 1 ? `${text} (+${ops.length - 1})` : text;
}

/** Shows a valtio proxy in the panel. */
export function stratumValtio<T extends object>(state: T, options: AdapterOptions): StratumAdapter {
  const name = adapterName('Valtio', options);
  return mirror('valtio', name, {
    state: {
      read: () => snapshot(state) as unknown as Fields,
      write(value) {
        if (typeof value !== 'object' || value === null || Array.isArray(value) !== Array.isArray(state)) {
          throw new TypeError(`valtio state "${name}" is a proxy ${Array.isArray(state) ? 'list' : 'object'}: edit inside it rather than replacing it with ${String(value)}.`);
        }
        // Into the nested proxies (the app may hold them); what is assigned is a copy: a
        // snapshot's parts are frozen, and valtio would keep them unproxied.
        const now = snapshot(state) as unknown as Fields;
        patchInto(state, now, value as Fields, { copy: (item) => copyData(item), watched: (live) => getVersion(live) !== undefined });
      },
      // In sync, so a change is labelled with its own ops rather than a batch of a tick.
      subscribe(changed) {
        let last = snapshot(state) as unknown as Fields;
        return subscribe(
          state,
          (ops) => {
            const now = snapshot(state) as unknown as Fields;
            const label = labelOf(ops as unknown as Op[], last, now);
            last = now;
            changed(label);
          },
          true,
        );
      },
    },
  });
}
