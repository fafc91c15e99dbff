import { describe, expect, it } from 'vitest';
import { kit } from '../../test/helpers/agent-kit.js';
import { Command, Event } from '../protocol/messages.js';
import { Store } from '../store/store.js';
import { registryId } from '../registry/registry.js';
import { fullValue } from './full.js';

describe('fullValue', () => {
  it('pages every part cut for display back in, however deep', async () => {
    let deep: Record<string, unknown> = { end: 'x'.repeat(12_000) };
    for (let i = 0; i < 20; i++) deep = { d: deep };
    const value = {
      body: 'b'.repeat(15_000),
      items: Array.from({ length: 2500 }, (_, i) => (i === 2400 ? { long: 'l'.repeat(11_000) } : i)),
      map: new Map(Array.from({ length: 300 }, (_, i) => [i, `v${i}`])),
      set: new Set(Array.from({ length: 300 }, (_, i) => i)),
      wide: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
      bytes: new Float64Array(10_000).fill(1.5),
      deep,
    };
    const store = new Store({ name: 'full' });
    const state = store.createState(value, { key: 'v', scope: 'app' });
    const t = kit();
    await t.hello();
    const shown = t.events(Event.snapshot)[0]!.stores.find((s) => s.id === registryId(store))!.scopes[0]!.states[0]!;
    expect(JSON.stringify(shown.value)).toContain('"$t":"truncated"');
    const ref = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    expect(await fullValue(shown.value, ref, (payload) => t.call(Command.expand, payload))).toEqual(value);
  });
});
