/**
 * The real panel over the real agent (in memory, structured-cloned): its states arrive as
 * columns (issue 18, third pass), a refresh asks for columns again, and a value, an edit and a
 * delta after the snapshot work as they did with StateInfo objects.
 */
import { describe, expect, it } from 'vitest';
import { Store } from '#runtime/store/index.js';
import type { ContentEnvelope } from '#protocol/messages.js';
import { waitFor } from '../testing/harness.js';
import { memoryPanelWall } from '../testing/memory-wall.js';
import { Panel } from './panel.js';

describe('a panel that reads columns', () => {
  it('lists states from columns, refreshes with columns, pulls a value, edits it and follows deltas', async () => {
    const store = new Store({ name: 'columns-panel' });
    const user = store.createState({ name: 'Ada', tags: ['x'] }, { key: 'user', scope: 'app' });
    const count = store.createState(1, { key: 'count', scope: 'app' });
    const page = memoryPanelWall();
    const runtime = page.addRuntime({});
    const panel = new Panel({ wall: page.wall });
    panel.start();
    try {
      await waitFor(() => panel.states.entry(panel.states.stores.find((s) => s.name === 'columns-panel')?.id ?? -1, count.id));
      const id = panel.states.stores.find((s) => s.name === 'columns-panel')!.id;
      const entry = () => panel.states.entry(id, user.id)!;
      expect(entry().preview).toBe(true);
      expect(panel.states.entry(id, count.id)!.value.peek()).toBe(1);

      await panel.refresh();
      const asked = (page.sent as ContentEnvelope[]).flatMap((envelope) => envelope.batch).filter((message) => message.command === 'snapshot');
      expect(asked.map((message) => message.payload)).toEqual([{ previews: true, columns: true }]);
      expect(entry().preview).toBe(true);

      await panel.states.pull(entry());
      expect(entry().value.peek()).toEqual({ name: 'Ada', tags: ['x'] });
      const done = await panel.states.source(entry()).edit(entry().version.peek(), ['name'], 'set', 'Grace');
      expect(done).toBe(true);
      expect(user.value).toEqual({ name: 'Grace', tags: ['x'] });
      count.set(2);
      await waitFor(() => panel.states.entry(id, count.id)!.version.peek() === count.version);
      expect(panel.states.entry(id, count.id)!.value.peek()).toBe(2);
    } finally {
      panel.dispose();
      runtime.remove();
    }
  }, 30_000);
});
