/** stateSet: a whole value, versioned, refused with `conflict` when the state moved on (path edits: commands/edit.ts). */
import type { State } from '../../../store/state.js';
import { conflict, guardRedacted, type Handlers } from '../context.js';
import { decodeEdit, guardClasses } from '../edit.js';
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

export const stateCommands: Handlers<'stateSet'> = {
  stateSet({ store, state: id, value, baseVersion, label }, { blobs }) {
    const { state } = stateOf(store, id);
    checkBase(state, baseVersion, blobs);
    const next = decodeEdit(value, blobs);
    guardRedacted(state.value, root(state), [], { value: next });
    guardClasses(next, state.value, []);
    state.set(next, { label: label ?? LABEL });
    return { version: state.version };
  },
};
