// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { webstorage } from '#runtime/webstorage/webstorage.js';
import { runRequest } from '#runtime/webstorage/node.js';
import { LISTED } from '#runtime/webstorage/requests.js';
import { click, press, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

async function openStorage(namespace: string, kind = 'local') {
  h = setup();
  click(await h.wait('tab-storage'));
  click(await h.wait('storage-item', { namespace, kind }));
  await h.wait('storage-summary', { namespace });
  return h;
}

describe('Storage tab', () => {
  it('shows kind, backend, availability, namespace, bytes and the origin estimate', async () => {
    const prefs = webstorage('local', { namespace: 'prefs' });
    prefs.set('theme', 'dark');
    prefs.set('size', 12);
    const h = await openStorage('prefs');
    expect(text(h.get('storage-kind'))).toBe('local');
    expect(text(h.get('storage-backend'))).toBe('localStorage');
    expect(text(h.get('availability-badge'))).toBe('available');
    expect(h.find('availability-reason')).toBeNull();
    expect(text(h.get('storage-bytes'))).toMatch(/B in 2 keys/);
    await waitFor(() => text(h.get('storage-estimate')) !== '…');
    expect(text(h.get('key-value', {}, h.get('key-row', { key: 'theme' })))).toBe('"dark"');
  });

  it('shows a webstorage that fell back to memory with a red badge and the reason', async () => {
    const original = Object.getOwnPropertyDescriptor(window, 'sessionStorage');
    Object.defineProperty(window, 'sessionStorage', {
      configurable: true,
      get() {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      },
    });
    try {
      const blocked = webstorage('session', { namespace: 'blocked' });
      blocked.set('draft', 'kept in memory');
      const h = await openStorage('blocked', 'session');
      const badge = h.get('availability-badge');
      expect(badge.className).toContain('bad');
      expect(text(badge)).toMatch(/unavailable: fell back to memory/);
      expect(text(h.get('availability-reason'))).toMatch(/SecurityError/);
      expect(text(h.get('storage-backend'))).toBe('memory');
      expect(h.get('key-row', { key: 'draft' })).toBeTruthy();
    } finally {
      if (original) Object.defineProperty(window, 'sessionStorage', original);
    }
  });

  it('edits a value in place, adds, deletes and clears keys', async () => {
    const cart = webstorage('local', { namespace: 'cart' });
    cart.set('items', 3);
    cart.set('coupon', 'SAVE');
    const h = await openStorage('cart');
    const row = await h.wait('key-row', { key: 'items' });
    press(row, 'Enter');
    // Enter opens the key in the State tab's editor (the value view), focused.
    const detail = await h.wait('key-detail');
    const node = (await waitFor(() => (document.activeElement?.closest('[data-testid="key-detail"]') ? (document.activeElement as HTMLElement) : null)))!;
    expect(node.dataset.testid).toBe('value-node');
    press(node, 'Enter');
    const input = await h.wait('value-input', {}, detail);
    type(input, '4');
    press(input, 'Enter');
    await waitFor(() => cart.get('items') === 4);

    click(h.get('key-add'));
    type(await h.wait('key-add-name'), 'note');
    type(h.get('value-input', {}, h.get('key-add-form')), 'hello');
    click(h.get('value-save', {}, h.get('key-add-form')));
    await waitFor(() => cart.get('note') === 'hello');

    click(await h.wait('key-delete', {}, await h.wait('key-row', { key: 'coupon' })));
    await waitFor(() => !cart.has('coupon'));

    click(h.get('key-clear'));
    click(await h.wait('confirm-yes'));
    await waitFor(() => cart.keys().length === 0);
    await waitFor(() => h.find('key-row') === null);
  });

  it('refuses a stale key edit with a conflict; overwrite writes it', async () => {
    const flags = webstorage('local', { namespace: 'flags' });
    flags.set('beta', false);
    const h = await openStorage('flags');
    const row = await h.wait('key-row', { key: 'beta' });
    click(h.get('key-edit', {}, row));
    const detail = await h.wait('key-detail');
    press(await h.wait('value-node', {}, detail), 'Enter');
    const input = await h.wait('value-input', {}, detail);
    flags.set('beta', 'changed elsewhere');
    type(input, 'true');
    press(input, 'Enter');
    expect(text(await h.wait('conflict-current'))).toContain('changed elsewhere');
    expect(flags.get('beta')).toBe('changed elsewhere');
    click(h.get('conflict-overwrite'));
    await waitFor(() => flags.get('beta') === true);
  });

  it('filters and sorts keys; opens a key in the value view', async () => {
    const list = webstorage('local', { namespace: 'sorting' });
    list.set('b', 'x'.repeat(50));
    list.set('a', 'y');
    list.set('c', 'zz');
    const h = await openStorage('sorting');
    await waitFor(() => h.all('key-row').map((row) => row.dataset.key).join() === 'a,b,c');
    click(h.get('sort-size'));
    await waitFor(() => h.all('key-row').map((row) => row.dataset.key).join() === 'a,c,b');
    click(h.get('sort-size'));
    await waitFor(() => h.all('key-row').map((row) => row.dataset.key).join() === 'b,c,a');
    type(h.get('key-filter'), 'zz');
    await waitFor(() => h.all('key-row').map((row) => row.dataset.key).join() === 'c');
    click(h.get('key-row', { key: 'c' }));
    expect(text(await h.wait('value-preview', {}, await h.wait('key-detail')))).toBe('"zz"');
  });

  it('lists keys outside Stratum read-only, marked as such', async () => {
    localStorage.setItem('someone-else', '{"legacy":true}');
    sessionStorage.setItem('stratum.client-id', 'tab-1');
    webstorage('local', { namespace: 'mine' }).set('k', 1);
    const h = await openStorage('mine');
    const row = await h.wait('foreign-key-row', { key: 'someone-else' });
    expect(text(h.get('foreign-keys'))).toMatch(/not Stratum — read-only/);
    expect(text(row)).toContain('legacy');
    expect(row.querySelector('button')).toBeNull();
    expect(h.find('foreign-key-row', { key: 'mine:k' })).toBeNull();
    // Stratum's own client id is Stratum's, not a foreign key.
    expect(h.find('foreign-key-row', { key: 'stratum.client-id' })).toBeNull();
    expect(text(h.get('storage-bytes'))).toMatch(/ in 1 key$/);
  });

  it('lists live server requests by name (bounded), opens the memory of one, says how many more run, and drops them when they end', async () => {
    const shared = webstorage('memory', { namespace: 'per-request' });
    const releases: (() => void)[] = [];
    const running = Array.from({ length: LISTED + 2 }, (_, i) =>
      runRequest(
        async () => {
          shared.set('n', i);
          await new Promise<void>((resolve) => releases.push(resolve));
          return shared.get<number>('n');
        },
        { label: `GET /item/${i}` },
      ),
    );
    try {
      h = setup();
      click(await h.wait('tab-storage'));
      await waitFor(() => h!.all('storage-item').filter((item) => item.dataset.request).length === LISTED);
      expect(text(h.get('storage-unlisted-requests'))).toBe('2 more live requests not listed');
      const first = h.all('storage-item').find((item) => /^request #\d+ GET \/item\/0$/.test(item.dataset.request ?? ''))!;
      expect(text(first)).toMatch(/request #\d+ GET \/item\/0 · memory: per-request/);
      click(first);
      expect(text(h.get('key-value', {}, await h.wait('key-row', { key: 'n' })))).toBe('0');
    } finally {
      for (const release of releases) release();
    }
    expect(await Promise.all(running)).toEqual(Array.from({ length: LISTED + 2 }, (_, i) => i));
    await waitFor(() => h!.all('storage-item').every((item) => !item.dataset.request));
  });
});
