/**
 * Pinia: `stratumPinia(store)` shows a Pinia store's state as the state `state` of scope
 * `pinia:<id>` (or `{ name }`). Changes are labelled with the action that made them, else with
 * Pinia's mutation type (`direct`, `patch object`, `patch function`). A panel edit is one
 * `$patch`: keys the panel deleted are deleted, the rest assigned, so Pinia's own devtools
 * timeline and plugins see it as a patch.
 */
import type { StoreGeneric } from 'pinia';
import { isReactive, toRaw } from 'vue';
import { copyData } from '../copy.js';
import { adapterName, mirror, type StratumAdapter } from '../mirror.js';
import { patchInto } from '../patch.js';

type Fields = Record<string, unknown>;

/** A plain copy of reactive state (see copyData): Pinia must not share objects with the mirror. */
const plain = (value: unknown) => copyData(value, toRaw);

/** Shows a Pinia store in the panel as the state `state` of scope `pinia:<id>`. */
export function stratumPinia(store: StoreGeneric, options?: { name?: string }): StratumAdapter {
  const name = adapterName('Pinia', options as { name: string } | undefined, store?.$id);
  return mirror('pinia', name, {
    state: {
      read: () => plain(store.$state),
      write(value) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          throw new TypeError(`Pinia store "${name}" holds an object of fields: set a field, not the whole state to ${Array.isArray(value) ? 'a list' : String(value)}.`);
        }
        // Only what differs, into the reactive objects the state holds (a composable may hold
        // them); what is assigned is a copy: Vue makes assigned objects reactive in place, and
        // Pinia would then mutate the very objects the mirror holds as the state's value.
        const now = plain(store.$state) as Fields;
        store.$patch((state: Fields) => patchInto(state, now, value as Fields, { copy: plain, watched: isReactive }));
      },
      subscribe(changed) {
        // The actions whose synchronous part is running, innermost last. An async action leaves
        // when its synchronous part returned (a microtask later; its `after` waits for the
        // promise): mutations after an await, and the app's own meanwhile, are labelled by
        // their type. Removed by identity, as overlapping async actions end in any order.
        const running: { name: string }[] = [];
        const stopActions = store.$onAction(({ name: action, after, onError }) => {
          const entry = { name: action };
          running.push(entry);
          const done = () => {
            const at = running.indexOf(entry);
            if (at >= 0) running.splice(at, 1);
          };
          after(done);
          onError(done);
          queueMicrotask(done);
        }, true);
        const stopMutations = store.$subscribe((mutation) => changed(running.at(-1)?.name ?? mutation.type), { flush: 'sync', detached: true });
        return () => {
          stopActions();
          stopMutations();
        };
      },
    },
  });
}
