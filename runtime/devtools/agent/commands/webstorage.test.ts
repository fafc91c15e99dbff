import { afterEach, describe, expect, it } from 'vitest';
import { kit } from '../../../../test/helpers/agent-kit.js';
import { FakeStorage, installWindow } from '../../../../test/helpers/webstorage-fakes.js';
import { decode, encode } from '../../../codec/index.js';
import { Command, Event } from '../../../protocol/messages.js';
import { webstorage } from '../../../webstorage/index.js';
import { configureDevtools, registryId } from '../../../registry/registry.js';

async function setup(namespace: string) {
  const t = kit();
  const storage = webstorage('memory', { namespace });
  storage.set('theme', 'dark');
  storage.set('prefs', { size: 12, since: new Date(0) });
  await t.hello();
  const info = t.events(Event.snapshot)[0]!.webstorages.find((candidate) => candidate.namespace === namespace)!;
  return { t, storage, info, id: registryId(storage)! };
}

describe('webstorage in the snapshot', () => {
  it('lists availability, namespace, keys with values, hashes and sizes', async () => {
    const { info } = await setup('ws-snap');
    expect(info).toMatchObject({ kind: 'memory', backend: 'memory', available: true, namespace: 'ws-snap' });
    const keys = Object.fromEntries(info.keys.map((key) => [key.key, key]));
    expect(keys['theme']!.value).toBe('dark');
    expect(decode(keys['prefs']!.value)).toEqual({ size: 12, since: new Date(0) });
    expect(keys['theme']!.hash).toMatch(/^h[0-9a-z]+$/);
    expect(keys['theme']!.size).toBeGreaterThan(0);
    expect(info.bytes).toBe(keys['theme']!.size + keys['prefs']!.size);
  });
});

describe('webstorage commands', () => {
  it('sets a key over the hash it saw, and refuses a stale hash with the current value', async () => {
    const { t, storage, info, id } = await setup('ws-set');
    const theme = info.keys.find((key) => key.key === 'theme')!;
    const { hash } = await t.call(Command.webstorageSet, { storage: id, key: 'theme', value: 'light', baseVersion: theme.hash });
    expect(storage.get('theme')).toBe('light');
    expect(hash).not.toBe(theme.hash);
    storage.set('theme', 'blue');
    await expect(t.call(Command.webstorageSet, { storage: id, key: 'theme', value: 'stale', baseVersion: hash })).rejects.toMatchObject({
      code: 'conflict',
      current: { value: 'blue' },
    });
    expect(storage.get('theme')).toBe('blue');
  });

  it('adds a new key only when the panel expected none', async () => {
    const { t, storage, id } = await setup('ws-add');
    await t.call(Command.webstorageSet, { storage: id, key: 'fresh', value: encode(5n), baseVersion: null });
    expect(storage.get('fresh')).toBe(5n);
    await expect(t.call(Command.webstorageSet, { storage: id, key: 'fresh', value: 1, baseVersion: null })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(t.call(Command.webstorageSet, { storage: id, key: '', value: 1, baseVersion: null })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('removes a key over its hash, and clears only the namespace', async () => {
    const { t, storage, info, id } = await setup('ws-remove');
    const other = webstorage('memory', { namespace: 'ws-remove-other' });
    other.set('keep', 1);
    const theme = info.keys.find((key) => key.key === 'theme')!;
    await expect(t.call(Command.webstorageRemove, { storage: id, key: 'theme', baseVersion: 'hzzzz' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await t.call(Command.webstorageRemove, { storage: id, key: 'theme', baseVersion: theme.hash })).toEqual({ removed: true });
    expect(storage.has('theme')).toBe(false);
    expect(await t.call(Command.webstorageClear, { storage: id })).toEqual({ removed: 1 });
    expect(storage.keys()).toEqual([]);
    expect(other.get('keep')).toBe(1);
  });

  it('sends a delta per key per frame, with the hash and the removal', async () => {
    const { t, storage, id } = await setup('ws-delta');
    for (let i = 0; i < 100; i++) storage.set('counter', i);
    storage.remove('theme');
    t.frame();
    const deltas = t.events(Event.webstorageChanged).filter((delta) => delta.storage === id);
    const counter = deltas.find((delta) => delta.key === 'counter')!;
    expect(counter).toMatchObject({ value: 99, changes: 100, origin: 'local', label: 'set' });
    expect(counter.hash).toMatch(/^h/);
    const removed = deltas.find((delta) => delta.key === 'theme')!;
    expect(removed.value).toBeUndefined();
    expect(removed.label).toBe('remove');
  });
});

describe('webstorage deltas of a value that cannot be decoded', () => {
  it('keep the key, with its error, instead of saying it was removed', async () => {
    const { t, storage, id } = await setup('ws-unreadable');
    // Another script (or another tab) writes text that is neither JSON nor Stratum's format.
    storage.setRaw('theme', 'dark mode, not JSON');
    t.frame();
    expect(storage.has('theme')).toBe(true);
    const delta = t.events(Event.webstorageChanged).filter((candidate) => candidate.storage === id && candidate.key === 'theme').at(-1)!;
    expect(delta.label).toBe('unreadable');
    expect(delta.error).toMatch(/CodecError/);
    // A delta without a value is a removal: the panel would drop a key that is still there.
    expect(delta.value).toBeDefined();
    expect(delta.size).toBe(storage.rawEntries().find((entry) => entry.key === 'theme')!.bytes);
  });
});

describe('webstorage text no one has read yet', () => {
  it('is listed by the snapshot, and not then removed by the delta its first read sends', async () => {
    const local = new FakeStorage();
    const fake = installWindow({ local });
    try {
      const storage = webstorage('local', { namespace: 'ws-first-read' });
      // Another script's text under the namespace, never read through Stratum.
      local.setItem('ws-first-read:legacy', 'plain words, not JSON');
      const t = kit();
      await t.hello();
      const id = registryId(storage)!;
      t.frame();
      const info = t.events(Event.snapshot)[0]!.webstorages.find((candidate) => candidate.id === id)!;
      expect(info.keys.map((key) => [key.key, key.error !== undefined])).toEqual([['legacy', true]]);
      // What a panel does with each delta after the snapshot: one without a value is a removal.
      const removed = t.events(Event.webstorageChanged).filter((delta) => delta.storage === id && delta.key === 'legacy' && delta.value === undefined);
      expect(removed).toEqual([]);
    } finally {
      fake.uninstall();
    }
  });
});

describe('webstorage with redact', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('does not quote the stored text of a redacted key that cannot be decoded', async () => {
    const storage = webstorage('memory', { namespace: 'ws-redact-raw' });
    // Another script's raw token, not JSON: the parser's message quotes the text it met.
    storage.setRaw('token', 'sk_live_4242abcd');
    configureDevtools({ redact: (path) => path[0] === 'webstorage' && path[2] === 'token' });
    const t = kit();
    await t.hello();
    const id = registryId(storage)!;
    const info = t.events(Event.snapshot)[0]!.webstorages.find((candidate) => candidate.id === id)!;
    const key = info.keys.find((candidate) => candidate.key === 'token')!;
    expect(key.value).toBe('[redacted]');
    expect(key.error).toMatch(/CodecError/);
    storage.setRaw('token', 'sk_live_5353efgh');
    t.frame();
    const deltas = t.events(Event.webstorageChanged).filter((delta) => delta.storage === id && delta.key === 'token');
    expect(deltas.length).toBeGreaterThan(0);
    expect(JSON.stringify([key, deltas])).not.toMatch(/sk_live/);
  });

  it('does not quote the stored text of a redacted key in its decode-error reports, and still quotes it for a key not redacted', async () => {
    configureDevtools({ redact: (path) => path[0] === 'webstorage' && path[2] === 'token' });
    const storage = webstorage('memory', { namespace: 'ws-redact-report' });
    storage.setRaw('token', 'sk_live_1111aaaa');
    storage.get('token');
    storage.setRaw('plain', 'not json either');
    storage.get('plain');
    const t = kit();
    await t.hello();
    const id = registryId(storage)!;
    const early = t.events(Event.snapshot)[0]!.reports.filter((report) => report.id === id);
    storage.setRaw('token', 'sk_live_2222bbbb');
    t.frame();
    const late = t.events(Event.report).filter((report) => report.id === id);
    expect(early.map((report) => report.type)).toEqual(['decode-error', 'decode-error']);
    expect(late.map((report) => report.type)).toEqual(['decode-error']);
    expect(JSON.stringify([early, late])).not.toMatch(/sk_live/);
    expect(late[0]!.message).toMatch(/"token" .*cannot be decoded \(its details are redacted by configureDevtools\(\{ redact \}\)\)/);
    expect(early[1]!.message).toMatch(/"plain" in memory cannot be decoded \(.*not json either/);
  });
});

describe('webstorage with redact: versions and sizes', () => {
  afterEach(() => configureDevtools({ redact: () => false }));

  it('sends no hash or size a redacted value could be guessed from, and still refuses a stale edit', async () => {
    configureDevtools({ redact: (path) => path[1] === 'ws-secret' && (path[2] === 'pinA' || path[2] === 'pinB' || path.at(-1) === 'password') });
    const secret = webstorage('memory', { namespace: 'ws-secret' });
    const plain = webstorage('memory', { namespace: 'ws-plain' });
    for (const storage of [secret, plain]) {
      storage.set('pinA', '1234');
      storage.set('pinB', '123456789');
      storage.set('user', { name: 'ada', password: 'hunter2' });
    }
    const t = kit();
    await t.hello();
    const keysOf = (storage: typeof secret) => t.events(Event.snapshot)[0]!.webstorages.find((info) => info.id === registryId(storage))!.keys;
    const hidden = keysOf(secret);
    const shown = keysOf(plain);
    const at = (keys: typeof hidden, key: string) => keys.find((info) => info.key === key)!;
    // The plain namespace holds the same values: its hashes are what anyone can compute for a guess.
    for (const key of ['pinA', 'pinB', 'user']) expect(at(hidden, key).hash).not.toBe(at(shown, key).hash);
    // A 4-digit and a 9-digit secret take the same size as the panel is told it.
    expect(at(hidden, 'pinA').size).toBe(at(hidden, 'pinB').size);
    expect(at(shown, 'pinA').size).not.toBe(at(shown, 'pinB').size);

    secret.set('pinA', '99999');
    plain.set('pinA', '99999');
    t.frame();
    const delta = (storage: typeof secret) => t.events(Event.webstorageChanged).filter((d) => d.storage === registryId(storage) && d.key === 'pinA').at(-1)!;
    expect(delta(secret).hash).not.toBe(delta(plain).hash);
    expect(delta(secret).size).toBe(at(hidden, 'pinB').size);

    // Editing what is shown still works over the version the panel holds; a change of the hidden
    // part alone is still a change: a delete over the older version is refused.
    const user = { kind: 'webstorage' as const, storage: registryId(secret)!, key: 'user' };
    const { version } = await t.call(Command.edit, { target: user, baseVersion: at(hidden, 'user').hash, path: ['name'], op: 'set', value: 'grace' });
    expect(secret.get('user')).toEqual({ name: 'grace', password: 'hunter2' });
    secret.set('user', { name: 'grace', password: 'swordfish' });
    await expect(t.call(Command.webstorageRemove, { storage: registryId(secret)!, key: 'user', baseVersion: version as `h${string}` })).rejects.toMatchObject({ code: 'conflict' });
    expect(secret.get('user')).toEqual({ name: 'grace', password: 'swordfish' });
  });
});

describe('webstorage availability', () => {
  it('sends every webstorage again when its storage stops working, and when recheck() finds it back', async () => {
    const local = new FakeStorage();
    const fake = installWindow({ local });
    try {
      const t = kit();
      const storage = webstorage('local', { namespace: 'ws-avail' });
      storage.set('kept', 1);
      await t.hello();
      local.failWith = new DOMException('The operation is insecure.', 'SecurityError');
      storage.set('during', 2);
      local.failWith = undefined;
      expect(storage.recheck()).toBe(true);
      t.frame();
      const id = registryId(storage)!;
      const sent = t.events(Event.registered).flatMap((message) => (message.kind === 'webstorage' && message.webstorage.id === id ? [message.webstorage] : []));
      expect(sent.map(({ backend, available, reason }) => ({ backend, available, reason }))).toEqual([
        { backend: 'memory', available: false, reason: 'SecurityError: The operation is insecure.' },
        { backend: 'localStorage', available: true, reason: undefined },
      ]);
      expect(t.events(Event.report).map((report) => report.type)).toEqual(['unavailable', 'available']);
    } finally {
      fake.uninstall();
    }
  });
});
