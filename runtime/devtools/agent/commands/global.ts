/** storeAsGlobal: `window.$stratum`, no eval; loaded on the first one (most sessions never ask). */
import { BlobRef, decode, type Path } from '../../../codec/index.js';
import type { Handlers } from '../context.js';
import { REDACTED } from '../redact.js';
import { showPart, type InlineBlobs } from '../show.js';
import { resolveVisible } from './values.js';

export const globalCommands: Handlers<'storeAsGlobal'> = {
  async storeAsGlobal({ target: ref, path }, { blobs, keys }) {
    const { value, root, hidden } = await resolveVisible(ref, path, keys);
    const below = hidden.filter((secret) => secret.length > path.length && path.every((step, i) => step === secret[i]));
    if (below.length === 0) {
      (globalThis as { $stratum?: unknown }).$stratum = value;
      // Chrome's "Store as global variable" prints the name it chose; so does this.
      console.info('stratum devtools: $stratum =', value);
      return { name: '$stratum' };
    }
    // What the panel shows, as a stateSanitizer'd value reaches Redux DevTools: the redacted parts
    // as `[redacted]`, everything else of the same types. A copy, so the console neither reads a
    // secret through it nor writes one the page would keep (the live value would expose both).
    const copy = redactedCopy(value, root, path, hidden, blobs);
    (globalThis as { $stratum?: unknown }).$stratum = copy;
    console.info(`stratum devtools: $stratum = (a copy: ${below.length} redacted part${below.length === 1 ? '' : 's'} replaced by "${REDACTED}")`, copy);
    return { name: '$stratum' };
  },
};

/** `value` (the part at `path`) encoded whole, redacted as the panel sees it, and decoded again; blobs stay themselves. */
function redactedCopy(value: unknown, root: Path, path: Path, hidden: Path[], blobs: InlineBlobs): unknown {
  const shown = showPart(value, root, blobs, path, hidden, {});
  const copy = decode(shown.value);
  return withBlobs(copy, blobs, new Set());
}

/** The decoded copy with every BlobRef the agent holds the Blob of swapped back for that Blob. */
function withBlobs(node: unknown, blobs: InlineBlobs, seen: Set<object>): unknown {
  if (node instanceof BlobRef) return (node.ref !== null && blobs.get(node.ref)) || node;
  if (typeof node !== 'object' || node === null || seen.has(node)) return node;
  seen.add(node);
  if (node instanceof Map) {
    const entries = [...node].map(([k, v]) => [withBlobs(k, blobs, seen), withBlobs(v, blobs, seen)] as const);
    node.clear();
    for (const [k, v] of entries) node.set(k, v);
  } else if (node instanceof Set) {
    const items = [...node].map((item) => withBlobs(item, blobs, seen));
    node.clear();
    for (const item of items) node.add(item);
  } else {
    for (const key of Object.keys(node)) {
      const record = node as Record<string, unknown>;
      const next = withBlobs(record[key], blobs, seen);
      if (next !== record[key]) Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
    }
  }
  return node;
}
