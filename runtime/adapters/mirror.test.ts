import { describe, expect, it } from 'vitest';
import { registered } from '../registry/registry.js';
import type { Store } from '../store/store.js';
import { stratumPinia } from './pinia/index.js';
import { stratumRedux } from './redux/index.js';
import { stratumValtio } from './valtio/index.js';
import { stratumZustand } from './zustand/index.js';

/** The names of the stores the panel would list. */
function listed(): string[] {
  return registered('store').map((entry) => (entry.deref() as Store).name);
}

describe('an adapter given something that is not its library’s store', () => {
  it.each([
    ['zustand', 'zustand:junk', () => stratumZustand({} as never, { name: 'junk' })],
    ['redux', 'redux:junk', () => stratumRedux({} as never, { name: 'junk' })],
    ['valtio', 'valtio:junk', () => stratumValtio({ count: 1 }, { name: 'junk' })],
    ['pinia', 'pinia:junk', () => stratumPinia({} as never, { name: 'junk' })],
  ])('%s: says so in words and leaves no store in the panel', (library, scope, make) => {
    expect(make).toThrow(new RegExp(`${library} store "junk" could not be followed: is it a ${library} store\\?`));
    expect(listed()).not.toContain(scope);
  });
});
