// @vitest-environment happy-dom
/**
 * Issue 14.13 in the panel: an edit made while the service worker restarts fails at once, in
 * words that say whether it reached the page, and the panel re-reads the page once it is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '#runtime/store/store.js';
import { click, press, setup, text, type, waitFor, type Harness } from '../../testing/harness.js';

let h: Harness | undefined;
afterEach(() => h?.close());

describe('an edit while the extension reconnects (14.13)', () => {
  it('says at once that it was not sent, and shows the page’s value after the reconnect', async () => {
    const store = new Store({ name: 'disconnect-store' });
    const user = store.createState<{ name: string }>({ name: 'Ada' }, { key: 'user', scope: 'app' });
    h = setup();
    type(await h.wait('state-filter'), 'disconnect-store');
    click(await h.wait('state-row', { key: 'user' }));
    const node = await h.wait('value-node', { path: '["name"]' });
    h.page.setStatus('reconnecting');
    const started = Date.now();
    press(node, 'Enter');
    const input = await h.wait('value-input', {}, node);
    type(input, 'Grace');
    press(input, 'Enter');
    const toast = await h.wait('toast-text');
    // Well before the 15 s command timeout: the panel did not wait for an answer that cannot come.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text(toast)).toMatch(/was not sent/);
    expect(text(toast)).toMatch(/not applied|re-read/);
    expect(user.value.name).toBe('Ada');
    user.set({ name: 'Linus' });
    h.page.setStatus('connected');
    press(await h.wait('value-input'), 'Escape');
    await waitFor(() => text(h!.get('state-detail', { key: 'user' })).includes('"Linus"'));
  });
});
