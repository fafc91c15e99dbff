/**
 * Pinia: `stratumPinia(store)` shows a Pinia store's state as the state `state` of scope
 * `pinia:<id>` (or `{ name }`). Changes are labelled with the action that made them, else with
 * Pinia's mutation type (`direct`, `patch object`, `patch function`). A panel edit is one
 * `$patch`: keys the panel deleted are deleted, the rest assigned, so Pinia's own devtools
 * timeline and plugins see it as a patch.
 */
import type { StoreGeneric } from 'pinia';
import { toRaw } from 'vue';
import { copyData } from '../copy.js';
import { adapterName, mirror, type StratumAdapter } from '../mirror.js';

type Fields = Record<string, unknown>;

/** A plain copy of reactive state (see copyData): Pinia must not share objects with the mirror. */
const plain = (value: unknown) => copyData(value, toRaw);

/** Shows a Pinia store in the panel as the state `state` of scope `pinia:<id>`. */
export function stratumPinia(store: StoreGeneric, options?: { name?: string }): StratumAdapter {
  const name = adapterName('Pinia', options as { name: string } | undefined, store?.$id);
  let action: string | undefined;
  return mirror('pinia', name, {
    state: {
      read: () => plain(store.$state),
      write(value) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new TypeError(`Pinia store "${name}" holds an object of fields: set a field, not the whole state to ${Array.isArray(value) ? 'a list' : String(value)}.`);
        }
        // A copy: Vue makes the assigned objects reactive in place, and Pinia would then mutate
        // the very objects the mirror holds as the state's value.
        const next = plain(value) as Fields;
        store.$patch((state: Fields) => {
          for (const key of Object.keys(state)) if (!Object.hasOwn(next, key)) delete state[key];
          Object.assign(state, next);
        });
      },
      subscribe(changed) {
        const stopActions = store.$onAction(({ name: running, after, onError }) => {
          const outer = action;
          action = running;
          // An async action's later mutations carry no name: they are labelled by their type.
          const done = () => (action = outer);
          after(done);
          onError(done);
        }, true);
        const stopMutations = store.$subscribe((mutation) => changed(action ?? mutation.type), { flush: 'sync', detached: true });
        return () => {
          stopActions();
          stopMutations();
        };
      },
    },
  });
}
