/**
 * Whether an earlier value the panel holds can be written back as it is. The panel's copies are
 * encoded for display: a long string, a big collection or deep nesting is cut short, a redacted
 * part is a placeholder, a function or symbol is only a description. None of those is the page's
 * value, so restoring one would write something else; the agent refuses them too, but the panel
 * says so before offering the button.
 */
import type { Encoded, Path } from '#codec/types.js';
import { isTagged } from './encoded.js';

/** How the page's timeline (and subscribers) name a value the panel put back. */
export const RESTORE_LABEL = 'devtools: restore';

/** Why `value` cannot be written back, in words; undefined when it can. */
export function notRestorable(value: Encoded, redacted: Path[] = []): string | undefined {
  if (redacted.length > 0) return 'part of it is redacted (configureDevtools({ redact })): the panel never saw the whole value';
  const stack: Encoded[] = [value];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push(item);
      continue;
    }
    if (isTagged(node)) {
      if (node.$t === 'truncated') return 'the timeline holds a shortened copy (long strings, big collections and deep nesting are cut for display)';
      if (node.$t === 'function' || node.$t === 'symbol') return `it holds a ${node.$t}, which cannot be written back from the panel`;
    }
    for (const key of Object.keys(node)) stack.push(node[key]!);
  }
  return undefined;
}
