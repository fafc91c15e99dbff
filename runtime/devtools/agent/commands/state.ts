/** stateSet and stateEdit: versioned, refused with `conflict` when the state moved on. */
import { CommandError } from '../../../protocol/errors.js';
import type { State } from '../../../store/state.js';
import { conflict, guardRedacted, type Handlers } from '../context.js';
import { applyEdit, decodeEdit } from '../edit.js';
import { stateOf } from '../targets.js';
import type { InlineBlobs } from '../show.js';

const LABEL = 'devtools';

function checkBase(state: State<unknown>, baseVersion: number, blobs: InlineBlobs): void {
  if (state.version === baseVersion) return;
  throw conflict(`state "${state.key}" (version ${baseVersion} → ${state.version})`, state.value, state.version, root(state), blobs);
}

function root(state: State<unknown>): string[] {
  return ['state', state.scope, state.key];
}

export const stateCommands: Handlers<'stateSet' | 'stateEdit'> = {
  stateSet({ store, state: id, value, baseVersion, label }, { blobs }) {
    const { state } = stateOf(store, id);
    checkBase(state, baseVersion, blobs);
    const next = decodeEdit(value, blobs);
    guardRedacted(state.value, root(state), [], { value: next });
    state.set(next, { label: label ?? LABEL });
    return { version: state.version };
  },

  stateEdit({ store, state: id, baseVersion, path, op, value, to }, { blobs }) {
    const { state } = stateOf(store, id);
    checkBase(state, baseVersion, blobs);
    if ((op === 'set' || op === 'insert') && value === undefined) throw new CommandError('invalid', `${op} needs a value`);
    const next = value === undefined ? undefined : decodeEdit(value, blobs);
    guardRedacted(state.value, root(state), path, op === 'set' || op === 'insert' ? { value: next } : undefined);
    if (op === 'rename' && to !== undefined) guardRedacted(state.value, root(state), [...path.slice(0, -1), to]);
    // Synchronous from the version check to the set: nothing can slip in between.
    state.set(applyEdit(state.value, path, op, next, to), { label: `${LABEL}: ${op}` });
    return { version: state.version };
  },
};
