import { describe, expect, it } from 'vitest';
import { Store } from '../../store/store.js';
import { exportSnapshot, importSnapshot, parseSnapshot } from './index.js';

describe('restoring values with blobs (issue 14.5)', () => {
  it('keeps a Map with a Blob key in its order, and one Blob referenced twice is one Blob', async () => {
    const blob = new Blob(['bytes'], { type: 'text/plain' });
    const make = () => {
      const store = new Store({ name: 'app' });
      const state = store.createState<unknown>(null, { key: 'files', scope: 'app' });
      return { state, targets: { stores: [store], webstorages: [], databases: [] } };
    };
    const source = make();
    source.state.set({ byFile: new Map<unknown, unknown>([[blob, 'first'], ['x', 'second']]), again: blob, list: new Set([blob]) });
    const file = parseSnapshot(JSON.stringify(await exportSnapshot(source.targets)));
    const here = make();
    await importSnapshot(file, { targets: here.targets });
    const back = here.state.get() as { byFile: Map<unknown, unknown>; again: Blob; list: Set<unknown> };
    const entries = [...back.byFile];
    expect(entries.map(([, v]) => v)).toEqual(['first', 'second']);
    expect(entries[0]![0]).toBeInstanceOf(Blob);
    expect(entries[0]![0]).toBe(back.again);
    expect([...back.list][0]).toBe(back.again);
    expect(await back.again.text()).toBe('bytes');
  });
});
