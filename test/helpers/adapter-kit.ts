/**
 * Drives an adapter's mirrored state from a panel over memory walls (agent-kit): what the
 * timeline received, a path edit, a restore of an earlier delta — the three things every adapter
 * test checks against the library's real package.
 */
import { decode, encode, type Encoded, type Path } from '../../runtime/codec/index.js';
import { Command, Event } from '../../runtime/protocol/messages.js';
import { registryId } from '../../runtime/registry/registry.js';
import type { StratumAdapter } from '../../runtime/adapters/mirror.js';
import { kit } from './agent-kit.js';

export async function adapterKit(adapter: StratumAdapter, key = 'state') {
  const t = kit();
  await t.hello();
  const state = adapter.store.states().find((each) => each.key === key);
  if (!state) throw new Error(`the adapter made no state "${key}"`);
  const at = { store: registryId(adapter.store)!, state: state.id };

  /** The deltas of this state the panel received so far: label and decoded value. */
  const changes = () => {
    t.frame();
    return t.events(Event.stateChanged)
      .filter((delta) => delta.store === at.store && delta.state === at.state)
      .map((delta) => ({ label: delta.label, value: decode(delta.value), delta }));
  };

  /** A panel edit by path, over the version the panel saw. */
  const edit = (path: Path, value: unknown) =>
    t.call(Command.edit, { target: { kind: 'state', ...at }, baseVersion: state.version, path, op: 'set', value: encode(value) });

  /** The panel's "restore this value" on an earlier delta of the timeline. */
  const restore = (delta: { delta: { value: Encoded } }) =>
    t.call(Command.stateSet, { ...at, value: delta.delta.value, baseVersion: state.version, label: 'devtools: restore' });

  return { t, state, at, changes, edit, restore };
}
