/**
 * Model-based test of panel edits: random values holding Blobs (inside Maps, Sets, arrays and
 * objects, some shared), shown to the panel the way the agent shows them (blobs by ref), then a
 * random path set to a random new value (its blobs sent back by ref too). Afterwards the path
 * holds exactly the new value (the very Blobs), everything else is what it was (the same
 * objects where nothing on the path changed), and the old value is untouched. An edit through a
 * shared container is refused in words instead (it would leave the other references behind).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encode, type Path } from '../../runtime/codec/index.js';
import { applyEdit, decodeEdit } from '../../runtime/devtools/agent/edit.js';
import { InlineBlobs } from '../../runtime/devtools/agent/show.js';
import { Ledger, SOAK } from './support/ledger.js';

const ledger = new Ledger('model-edit');
afterAll(() => ledger.save());
const RUNS = SOAK ? 50_000 : 1_000;

const BLOBS = [new Blob(['a']), new Blob(['bb'], { type: 'text/plain' }), new File(['c'], 'c.txt')];
const blob = fc.constantFrom(...BLOBS);
const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null), fc.boolean(), blob);

const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 3, arbitrary: leaf },
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'file'), tie('value'), { maxKeys: 3 }),
    fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 3 }), blob), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
    fc.array(fc.oneof(leaf, tie('value')), { maxLength: 3 }).map((items) => new Set(items)),
  ),
}));

/** A value with some subtrees shared: a node appears again elsewhere (a DAG, never a cycle). */
const shared = fc.tuple(value, fc.nat(), fc.nat()).map(([root, from, to]) => {
  const nodes = pathsOf(root).filter((path) => path.length > 0);
  if (nodes.length < 2) return root;
  const source = nodes[from % nodes.length]!;
  const target = nodes[to % nodes.length]!;
  const holder = at(root, target.slice(0, -1));
  // Only into an object or array slot that is neither on the source's path nor under it.
  const unrelated = !isPrefix(target, source) && !isPrefix(source, target);
  if (unrelated && holder !== null && typeof holder === 'object' && !(holder instanceof Map) && !(holder instanceof Set)) {
    (holder as Record<string | number, unknown>)[target.at(-1)!] = at(root, source);
  }
  return root;
});

function isPrefix(prefix: Path, path: Path): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => step === path[i]);
}

/** The child at a codec path step (a Map entry is its [key, value] pair, a Set its items). */
function child(node: unknown, step: string | number): unknown {
  if (node instanceof Map) return [...node][step as number];
  if (node instanceof Set) return [...node][step as number];
  return (node as Record<string | number, unknown>)[step];
}

function at(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, step) => child(node, step), root);
}

/** Every path in a value, in document order (into Blobs: none; a node seen twice: once). */
function pathsOf(root: unknown): Path[] {
  const out: Path[] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: Path) => {
    out.push(path);
    if (typeof node !== 'object' || node === null || node instanceof Blob || seen.has(node)) return;
    seen.add(node);
    if (node instanceof Map) [...node].forEach(([k, v], i) => (walk(k, [...path, i, 0]), walk(v, [...path, i, 1])));
    else if (node instanceof Set) [...node].forEach((item, i) => walk(item, [...path, i]));
    else for (const key of Object.keys(node)) walk((node as Record<string, unknown>)[key], [...path, Array.isArray(node) ? Number(key) : key]);
  };
  walk(root, []);
  return out;
}

/** How many references each object of a value has from inside it (properties, items, Map keys and values, Set items). */
function referenceCounts(root: unknown): Map<object, number> {
  const counts = new Map<object, number>();
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null || node instanceof Blob || seen.has(node)) return;
    seen.add(node);
    const edges = node instanceof Map ? [...node].flat() : node instanceof Set ? [...node] : Object.values(node);
    for (const next of edges) {
      if (typeof next === 'object' && next !== null) counts.set(next, (counts.get(next) ?? 0) + 1);
      walk(next);
    }
  };
  walk(root);
  return counts;
}

/**
 * Whether an edit at `path` goes through a container the value also reaches another way (the
 * root referenced from inside, any other container from more than its parent): such an edit is
 * refused in words, as copying the path would leave the other references on the old copy.
 */
function throughShared(root: unknown, path: Path): boolean {
  const counts = referenceCounts(root);
  for (let depth = 0; depth < path.length; depth++) {
    const node = at(root, path.slice(0, depth));
    if (typeof node !== 'object' || node === null) continue;
    if ((counts.get(node) ?? 0) > (depth === 0 ? 0 : 1)) return true;
  }
  return false;
}

/** Deep equality with Blob identity: a Blob must be the very same Blob. */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Blob || b instanceof Blob) return a === b;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (a instanceof Map || a instanceof Set) {
    if (!(b instanceof (a instanceof Map ? Map : Set)) || a.size !== (b as Map<unknown, unknown>).size) return false;
    const x = [...a];
    const y = [...(b as Iterable<unknown>)];
    return x.every((item, i) => same(item, y[i]));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((key, i) => key === kb[i] && same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** A deep copy that keeps Blobs (and nothing else) by identity: what the old value must still equal. */
function copy(node: unknown, seen = new Map<unknown, unknown>()): unknown {
  if (typeof node !== 'object' || node === null || node instanceof Blob) return node;
  if (seen.has(node)) return seen.get(node);
  if (node instanceof Map) return new Map([...node].map(([k, v]) => [copy(k, seen), copy(v, seen)]));
  if (node instanceof Set) return new Set([...node].map((item) => copy(item, seen)));
  const out: Record<string, unknown> = Array.isArray(node) ? ([] as unknown as Record<string, unknown>) : {};
  seen.set(node, out);
  for (const key of Object.keys(node)) out[key] = copy((node as Record<string, unknown>)[key], seen);
  return out;
}

describe('panel edits against their model', () => {
  it('set at a random path of a value with blobs: the path holds the new value, the rest is unchanged', () => {
    const row = ledger.open(
      'Data integrity',
      'Panel edits model (fast-check): random values with Blobs in Maps, Sets and shared references; a random path set to a random value with Blobs; the rest must stay as it was',
    );
    let runs = 0;
    let refused = 0;
    let throughSharedRefused = 0;
    fc.assert(
      fc.property(shared, fc.nat(), value, (root, pick, next) => {
        runs++;
        const blobs = new InlineBlobs();
        const show = (v: unknown) => encode(v, { onBlob: (b) => blobs.ref(b) });
        // The panel got the value (and its blobs) before; it sends back the new one, blobs by ref.
        show(root);
        const paths = pathsOf(root);
        const path = paths[pick % paths.length]!;
        const before = copy(root);
        const sent = decodeEdit(show(next), blobs);
        expect(same(sent, next)).toBe(true);
        const viaShared = throughShared(root, path);
        let result: unknown;
        try {
          result = applyEdit(root, path, 'set', sent);
        } catch (error) {
          // Refused in words: a Map key set to one it already has, a Set item to a duplicate, or
          // (and only then `not-editable`) a path through a shared or circular reference.
          expect((error as { code?: string }).code).toMatch(viaShared ? /not-editable/ : /invalid|conflict/);
          refused++;
          if (viaShared) throughSharedRefused++;
          expect(same(root, before)).toBe(true);
          return;
        }
        // Through a shared container the edit must have been refused (it would split the references).
        expect(viaShared).toBe(false);
        expect(same(root, before)).toBe(true);
        if (path.length === 0) {
          expect(same(result, next)).toBe(true);
          return;
        }
        // A Set may reorder nothing but merge equal items; compare the path only where the holder keeps positions.
        const holder = at(result, path.slice(0, -1));
        if (!(holder instanceof Set)) expect(same(at(result, path), next)).toBe(true);
        else expect([...holder].includes(sent) || typeof sent === 'object').toBe(true);
        for (const other of pathsOf(root)) {
          if (isPrefix(other, path) || isPrefix(path, other)) continue;
          // Off the edited path: the very same node (nothing copied, nothing changed).
          const inSet = other.some((_, i) => at(root, other.slice(0, i)) instanceof Set);
          if (!inSet) expect(at(result, other)).toBe(at(root, other));
        }
      }),
      { numRuns: RUNS },
    );
    row.done({ times: runs, lost: [], figures: `${refused} edits refused in words (duplicate Map key or Set item; ${throughSharedRefused} through a shared reference)` });
  }, SOAK ? 3_600_000 : 60_000);
});
