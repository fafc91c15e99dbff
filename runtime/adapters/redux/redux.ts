/**
 * Redux and Redux Toolkit: `stratumRedux(store, { name })`. A panel edit is dispatched as the
 * documented action `stratum/edit` (payload: the whole new state, meta.label: what the panel did),
 * which the root reducer wrapped in `withStratumEdits(reducer)` answers by returning the payload:
 * the app's middleware, subscribers and react-redux see an ordinary action. Every other action's
 * type becomes the label of the change it made on the timeline.
 */
import { adapterName, mirror, type AdapterOptions, type StratumAdapter } from '../mirror.js';
import { sameData } from '../same.js';

/** The action type a panel edit is dispatched as. */
export const STRATUM_EDIT = 'stratum/edit';

export interface StratumEditAction<S = unknown> {
  type: typeof STRATUM_EDIT;
  payload: S;
  meta: { label: string };
}

/** The part of a Redux store (redux or @reduxjs/toolkit) the adapter uses. */
export interface ReduxStore<S> {
  getState(): S;
  dispatch(action: StratumEditAction<S>): unknown;
  subscribe(listener: () => void): () => void;
}

type Reducer<S, A> = (state: S | undefined, action: A) => S;

/** Which action made a state object: read by the store's subscriber right after the dispatch. */
const madeBy = new WeakMap<object, string>();
/**
 * The stores an adapter follows, each with the last action its reducer saw: the label of a
 * change to a state that is no object (a counter) or that no wrapped reducer returned (a wrapped
 * slice). One last action shared by every store labelled a store's change with another store's
 * action when an app subscriber dispatched into that store first, or notifications were batched.
 */
const followed = new Set<{ store: ReduxStore<unknown>; last?: string }>();
/**
 * The state each edit action found in a wrapped reducer: the store's own state when the wrapper
 * is the root. The store may hold something else after the dispatch (an app subscriber answered
 * with an action of its own), and that is no missing wrapper.
 */
const editedFrom = new WeakMap<object, unknown>();
/**
 * The last action of a dispatch no followed store claimed: a store of the app's own making, whose
 * getState works while its reducer runs, cannot be told apart that way. The first subscriber to
 * hear a change takes it as its store's last action (the store notifies right after its reducer).
 */
let unclaimed: string | undefined;

function isEdit(action: unknown): action is StratumEditAction {
  return typeof action === 'object' && action !== null && (action as { type?: unknown }).type === STRATUM_EDIT;
}

/**
 * Wraps the ROOT reducer so the panel can edit and restore the state: `stratum/edit` replaces
 * the state with its payload; every other action goes to `reducer` as before.
 */
export function withStratumEdits<S, A extends { type: string }>(reducer: Reducer<S, A>): Reducer<S, A | StratumEditAction<S>> {
  return (state, action) => {
    const edit = isEdit(action);
    if (edit) editedFrom.set(action, state);
    const next = edit ? (action.payload as S) : reducer(state, action as A);
    let claimed = false;
    for (const each of followed) {
      // Redux refuses getState while the store's own reducer runs: so the store dispatching is found.
      try {
        each.store.getState();
      } catch {
        each.last = action.type;
        claimed = true;
      }
    }
    unclaimed = claimed ? undefined : action.type;
    if (typeof next === 'object' && next !== null && next !== state) madeBy.set(next, action.type);
    return next;
  };
}

/** Shows a Redux store in the panel as the state `state` of scope `redux:<name>`. */
export function stratumRedux<S>(store: ReduxStore<S>, options: AdapterOptions): StratumAdapter {
  const name = adapterName('Redux', options);
  return mirror('redux', name, {
    state: {
      read: () => store.getState(),
      write(value, label) {
        const before = store.getState();
        const action: StratumEditAction<S> = { type: STRATUM_EDIT, payload: value as S, meta: { label } };
        store.dispatch(action);
        if (!sameData(store.getState(), value) && editedFrom.get(action) !== before) {
          throw new Error(`The Redux store "${name}" did not take the panel's edit: wrap its root reducer with withStratumEdits(reducer) from stratumjs/adapters/redux.`);
        }
      },
      subscribe(changed) {
        const mine: { store: ReduxStore<unknown>; last?: string } = { store };
        followed.add(mine);
        const stop = store.subscribe(() => {
          const state = store.getState();
          if (unclaimed !== undefined) [mine.last, unclaimed] = [unclaimed, undefined];
          changed((typeof state === 'object' && state !== null ? madeBy.get(state) : undefined) ?? mine.last ?? 'dispatch');
        });
        return () => {
          followed.delete(mine);
          stop();
        };
      },
      raw: () => store.getState(),
    },
  });
}
