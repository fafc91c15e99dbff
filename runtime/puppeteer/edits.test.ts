import { describe, expect, it } from 'vitest';
import { kit } from '../../test/helpers/agent-kit.js';
import { Command } from '../protocol/messages.js';
import { registryId } from '../registry/registry.js';
import { Store } from '../store/store.js';
import { editRequest } from './edits.js';

describe('the kit’s edit requests', () => {
  it('set, insert, delete and rename by path, over a base or over whatever is there', async () => {
    const store = new Store({ name: 'kit-edits' });
    const state = store.createState<Record<string, unknown>>({ title: 'a', tags: ['x'], gone: 1 }, { key: 'doc', scope: 'app' });
    const t = kit();
    await t.hello();
    const ref = { kind: 'state' as const, store: registryId(store)!, state: state.id };
    const send = (path: (string | number)[], value: unknown, options?: Parameters<typeof editRequest>[3]) => t.call(Command.edit, editRequest(ref, path, value, options));
    const { version } = await send(['title'], new Date(0));
    await send(['tags', 0], 'w', { op: 'insert', baseVersion: version });
    await send(['gone'], undefined, { op: 'delete' });
    await send(['title'], 'heading', { op: 'rename' });
    expect(state.value).toEqual({ heading: new Date(0), tags: ['w', 'x'] });
    await expect(send(['tags', 0], 'stale', { baseVersion: version })).rejects.toMatchObject({ code: 'conflict' });
    expect(state.value['tags']).toEqual(['w', 'x']);
  });
});
