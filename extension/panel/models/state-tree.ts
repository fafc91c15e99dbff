/**
 * The State tab's tree as rows (store, scope, state), for a virtualized list: 10,000 states are
 * 10,000 rows in a scroll box, never 10,000 DOM nodes. A filter matches the store name, scope
 * and key, and opens every branch that holds a match; collapsed branches are skipped otherwise.
 */
import { compareCells, type SortBy } from '../lib/sort.js';
import type { StateEntry, StoreNode, ScopeNode } from './state.js';

export type TreeRow =
  | { kind: 'store'; key: string; store: StoreNode; count: number }
  | { kind: 'scope'; key: string; store: StoreNode; scope: ScopeNode; count: number }
  | { kind: 'state'; key: string; entry: StateEntry };

export const storeKey = (store: StoreNode) => `store:${store.id}`;
export const scopeKey = (store: StoreNode, scope: ScopeNode) => `scope:${store.id}:${scope.name}`;

function ordered(states: StateEntry[], sort: SortBy | null): StateEntry[] {
  if (!sort) return states;
  const sign = sort.descending ? -1 : 1;
  const cell = (entry: StateEntry) => (sort.column === 'version' ? entry.currentVersion : entry.key);
  return [...states].sort((a, b) => sign * compareCells(cell(a), cell(b)));
}

export function flatten(stores: StoreNode[], filter: string, collapsed: ReadonlySet<string>, sort: SortBy | null): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  const rows: TreeRow[] = [];
  for (const store of stores) {
    const storeMatches = needle !== '' && store.name.toLowerCase().includes(needle);
    const scopes: { scope: ScopeNode; states: StateEntry[] }[] = [];
    for (const scope of store.scopes) {
      const scopeMatches = storeMatches || (needle !== '' && scope.name.toLowerCase().includes(needle));
      const states = needle === '' || scopeMatches ? scope.states : scope.states.filter((entry) => entry.key.toLowerCase().includes(needle));
      if (needle === '' || states.length > 0) scopes.push({ scope, states });
    }
    if (needle !== '' && scopes.length === 0) continue;
    const count = scopes.reduce((sum, { states }) => sum + states.length, 0);
    rows.push({ kind: 'store', key: storeKey(store), store, count });
    if (needle === '' && collapsed.has(storeKey(store))) continue;
    for (const { scope, states } of scopes) {
      rows.push({ kind: 'scope', key: scopeKey(store, scope), store, scope, count: states.length });
      if (needle === '' && collapsed.has(scopeKey(store, scope))) continue;
      for (const entry of ordered(states, sort)) rows.push({ kind: 'state', key: entry.uid, entry });
    }
  }
  return rows;
}
