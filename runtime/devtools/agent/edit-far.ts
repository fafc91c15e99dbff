/**
 * A path edit inside a far sparse array (far.ts) for applyEdit: slice() visits every slot (237 s
 * for a[2 ** 32 - 2]), so the copy takes the items only. Insert and delete would move every slot
 * after the step: refused in words.
 */
import type { Path } from '../../codec/index.js';
import { CommandError } from '../../protocol/errors.js';
import { describePath } from './describe-path.js';
import type { FarEdit } from './edit.js';
import { farIndexes } from './far.js';

export const editFar: FarEdit = (list, step, op, value, path) => {
  const far = farIndexes(list);
  if (!far) return undefined;
  const where: Path = path.slice(0, -1);
  if (op !== 'set') throw new CommandError('not-editable', `${describePath(where)} is an array of length ${list.length} holding ${far.length} items: ${op} would move every slot after it; set an item instead, or change it from the page's code`);
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= list.length) throw new CommandError('not-found', `${describePath(path)} is no position in a list of ${list.length}`);
  const copy: unknown[] = [];
  copy.length = list.length;
  for (const at of far) copy[at] = list[at];
  copy[step] = value;
  return copy;
};
