/** stateSet: a whole value, versioned, refused with `conflict` when the state moved on (path edits: commands/edit.ts). */
import type { State } from '../../../store/state.js';
import { conflict, guardRedacted, type Handlers } from '../context.js';
import { decodeEdit, guardClasses } from '../edit.js';
import { versionOf } from '../recreated.js';
import { stateOf } from '../targets.js';
import type { InlineBlobs } from '../show.js';

const LABEL = 'devtools';

function checkBase(store: number, state: State<unknown>, baseVersion: number, blobs: InlineBlobs): void {
  const version = versionOf(store, state);
  if (version === baseVersion) return;
  throw conflict(`state "${state.key}" (version ${baseVersion} → ${state.version}${version === state.version ? '' : ', deleted and created again'})`, state.value, version, root(state), blobs);
}

function root(state: State<unknown>): string[] {
  return ['state', state.scope, state.key];
}

export const stateCommands: Handlers<'stateSet'> = {
  stateSet({ store, state: id, value, baseVersion, label }, { blobs }) {
    const { state } = stateOf(store, id);
    checkBase(store, state, baseVersion, blobs);
    const decoded = decodeEdit(value, blobs);
    guardRedacted(state.value, root(state), [], { value: decoded });
    const next = guardClasses(decoded, state.value, []);
    state.set(next, { label: label ?? LABEL });
    return { version: state.version };
  },
};
