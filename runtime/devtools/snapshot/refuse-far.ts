/**
 * A snapshot file or a recording holding a far sparse array (agent/sparse.ts) is refused in
 * words naming where. The files are the codec's form, which writes every hole: four billion
 * nodes would not fit in memory, and a node of another form would not import into an older
 * runtime nor read in another tool. The codec's storage encodes refuse the same arrays.
 */
import { CodecError, type Path, type PathSegment } from '../../codec/index.js';
import { describePath } from '../agent/describe-path.js';
import { farArrays, type FarArrays } from '../agent/sparse.js';

/** A CodecError (the protocol's `invalid`) that the recorder tells apart. */
export class FarArrayRefusal extends CodecError {}

/** Where `root` is, in words: `state "k" (scope app)`, `a row of table "t" in database "d"`. */
function placeWords([kind, a, b]: Path, path: Path): string {
  const place = kind === 'state' ? `state ${JSON.stringify(b)} (scope ${String(a)})` : kind === 'db' ? `a row of table ${JSON.stringify(b)} in database ${JSON.stringify(a)}` : kind === 'cache' ? `cache entry ${JSON.stringify(b)} of database ${JSON.stringify(a)}` : String(kind);
  return path.length > 0 ? `${place} at ${describePath(path)}` : place;
}

/** The steps from `holder` to `child` in the codec's form (a Map entry's index, then 0 or 1). */
function stepTo(holder: object, child: unknown): PathSegment[] {
  if (holder instanceof Map) return [...holder].flatMap(([key, item], i) => (key === child ? [i, 0] : item === child ? [i, 1] : [])).slice(0, 2);
  if (holder instanceof Set) return [[...holder].indexOf(child)];
  const key = [...Object.keys(holder), 'cause', 'errors'].find((name) => Object.hasOwn(holder, name) && (holder as Record<string, unknown>)[name] === child)!;
  return [Array.isArray(holder) ? +key : key];
}

/** The path from `root` to `node`: each object's first holder is the one the walk met it from. */
function pathOf({ holders }: FarArrays, root: unknown, node: object): Path {
  const path: Path = [];
  for (let at = node; at !== root; at = holders.get(at)![0]!) path.unshift(...stepTo(holders.get(at)![0]!, at));
  return path;
}

export function refuseFar(value: unknown, root: Path, verb: 'export' | 'record'): void {
  const found = farArrays(value);
  if (!found) return;
  const [list, { length: count }] = [...found.far][0]!;
  throw new FarArrayRefusal(
    `cannot ${verb} ${placeWords(root, pathOf(found, value, list))}: an array of length ${list.length} holding ${count} ${count === 1 ? 'item' : 'items'}; a ${verb === 'export' ? 'snapshot file' : 'recording'} writes every hole (${list.length - count} here), so hold it as a Map or an object`,
  );
}
