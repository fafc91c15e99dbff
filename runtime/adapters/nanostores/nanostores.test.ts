import { atom, computed, map } from 'nanostores';
import { describe, expect, it } from 'vitest';
import { adapterKit } from '../../../test/helpers/adapter-kit.js';
import { stratumNanostores } from './index.js';

function stores() {
  const $count = atom(0);
  const $profile = map({ name: 'Ada', theme: 'light' });
  const $double = computed($count, (count) => count * 2);
  return { $count, $profile, $double };
}

describe('stratumNanostores', () => {
  it('shows atoms and maps live: set and setKey as labels', async () => {
    const { $count, $profile, $double } = stores();
    const adapter = stratumNanostores({ count: $count, profile: $profile }, { name: 'app', computed: { double: $double } });
    const count = await adapterKit(adapter, 'count');
    const profile = await adapterKit(adapter, 'profile');
    expect(profile.state.scope).toBe('nanostores:app');
    $count.set(3);
    expect(count.changes().at(-1)).toMatchObject({ label: 'set', value: 3 });
    $profile.setKey('theme', 'dark');
    expect(profile.changes().at(-1)).toMatchObject({ label: 'setKey theme', value: { name: 'Ada', theme: 'dark' } });
    const double = await adapterKit(adapter, 'double');
    $count.set(4);
    expect(double.changes().at(-1)).toMatchObject({ value: 8 });
  });

  it('writes panel edits with set, and restores an earlier value', async () => {
    const { $count, $profile } = stores();
    const adapter = stratumNanostores({ count: $count, profile: $profile }, { name: 'edits' });
    const profile = await adapterKit(adapter, 'profile');
    await profile.edit(['name'], 'Grace');
    expect($profile.get()).toEqual({ name: 'Grace', theme: 'light' });
    const count = await adapterKit(adapter, 'count');
    $count.set(1);
    const earlier = count.changes().at(-1)!;
    $count.set(2);
    count.changes();
    await count.restore(earlier);
    expect($count.get()).toBe(1);
  });

  it('refuses to edit a computed store, and keeps showing its value', async () => {
    const { $count, $double } = stores();
    const adapter = stratumNanostores({}, { name: 'computed', computed: { double: $double } });
    const double = await adapterKit(adapter, 'double');
    await expect(double.edit([], 10)).rejects.toThrow(/computed/);
    expect(double.state.value).toBe(0);
    $count.set(5);
    expect(double.state.value).toBe(10);
  });
});
