/**
 * Source maps for trace frames (page side; the agent loads this only when the panel asks to
 * resolve frames). A frame's script is fetched once (same origin only: the page's own scripts),
 * its last `//# sourceMappingURL=` followed (a URL relative to the script, or an inline
 * `data:application/json;base64,` map), and the map's `mappings` decoded once per map.
 *
 * Nothing here throws to the app: a script without a map, a fetch that fails or a map that does
 * not parse resolves to undefined, with a debug line saying why.
 */
import { decode } from '@jridgewell/sourcemap-codec';

/** Where a generated position came from; line and column 1-based, as stack frames print them. */
export interface Original {
  /** Absolute URL of the original source (map URL + sourceRoot + sources[i]). */
  source: string;
  line: number;
  column: number;
  name?: string;
}

/** One mapping segment: generated column, then (when it maps) source, line, column (0-based), name. */
type Segment = readonly [column: number, source?: number, line?: number, column0?: number, name?: number];

interface DecodedMap {
  sources: string[];
  names: string[];
  /** Segments per generated line (0-based), sorted by generated column. */
  lines: Segment[][];
}

/** Scripts and maps kept; a page with more scripts on its stacks re-fetches the oldest. */
const MAX_SCRIPTS = 50;

/** Per script URL: its decoded map, or null when it has none (remembered too: no re-fetch). */
const maps = new Map<string, Promise<DecodedMap | null>>();

/**
 * Base64 VLQ through @jridgewell/sourcemap-codec (what Rollup, Vite and Babel use): 2.5× faster
 * than the decoder written here before, measured in bench/sourcemap.ts. Segments come back per
 * line, sorted by generated column.
 */
export function decodeMappings(mappings: string): Segment[][] {
  // The library reads any text; a map that is not Base64 VLQ must resolve to nothing, not a wrong place.
  const bad = /[^A-Za-z0-9+/,;]/.exec(mappings);
  if (bad) throw new Error(`"${bad[0]}" is not a base64 digit in the mappings`);
  return decode(mappings);
}

function debug(message: string): void {
  console.debug(`stratum devtools: ${message}`);
}

/** The last sourceMappingURL comment of a script (a bundle may quote one earlier in its text). */
function mapUrlOf(script: string): string | undefined {
  const comments = [...script.matchAll(/\/[/*][#@]\s*sourceMappingURL=(\S+?)\s*(?:\*\/)?\s*$/gm)];
  return comments.at(-1)?.[1];
}

function decodeDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  if (!head.startsWith('data:application/json')) throw new Error(`an inline map of type "${head}" (expected application/json)`);
  if (!head.endsWith(';base64')) return decodeURIComponent(body);
  const bytes = Uint8Array.from(atob(body), (char) => char.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

/** Only the page's own scripts: another origin's would need CORS and could tell it we asked. */
function fetchable(url: URL): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const here = (globalThis as { location?: { origin?: string } }).location?.origin;
  return here === undefined || here === 'null' || here === url.origin;
}

async function load(scriptUrl: string): Promise<DecodedMap | null> {
  let script: URL;
  try {
    script = new URL(scriptUrl);
  } catch {
    debug(`no source map for "${scriptUrl}": not an absolute URL`);
    return null;
  }
  if (!fetchable(script)) {
    debug(`no source map for ${scriptUrl}: only same-origin http(s) scripts are fetched`);
    return null;
  }
  try {
    const reference = mapUrlOf(await fetchText(scriptUrl));
    if (reference === undefined) return null;
    const inline = reference.startsWith('data:');
    const mapUrl = inline ? scriptUrl : new URL(reference, scriptUrl).href;
    const raw = JSON.parse(inline ? decodeDataUrl(reference) : await fetchText(mapUrl)) as {
      version?: unknown;
      sources?: unknown;
      names?: unknown;
      sourceRoot?: unknown;
      mappings?: unknown;
    };
    if (raw.version !== 3 || typeof raw.mappings !== 'string' || !Array.isArray(raw.sources)) {
      throw new Error('the map is not a version 3 source map with sources and mappings (an index map?)');
    }
    const root = typeof raw.sourceRoot === 'string' && raw.sourceRoot !== '' ? raw.sourceRoot.replace(/\/?$/, '/') : '';
    const sources = raw.sources.map((source) => new URL(root + String(source), mapUrl).href);
    const names = Array.isArray(raw.names) ? raw.names.map(String) : [];
    return { sources, names, lines: decodeMappings(raw.mappings) };
  } catch (error) {
    debug(`no source map for ${scriptUrl}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

function mapOf(scriptUrl: string): Promise<DecodedMap | null> {
  const known = maps.get(scriptUrl);
  if (known) {
    // Most recently used last, so the oldest goes first.
    maps.delete(scriptUrl);
    maps.set(scriptUrl, known);
    return known;
  }
  const loading = load(scriptUrl);
  maps.set(scriptUrl, loading);
  if (maps.size > MAX_SCRIPTS) maps.delete(maps.keys().next().value!);
  return loading;
}

/** The original position of a generated one (1-based line and column), or undefined when nothing maps it. */
export async function originalPosition(scriptUrl: string, line: number, column: number): Promise<Original | undefined> {
  const map = await mapOf(scriptUrl);
  const segments = map?.lines[line - 1];
  if (!map || !segments) return undefined;
  // The segment covering a column is the last one starting at or before it.
  let found: Segment | undefined;
  for (const segment of segments) {
    if (segment[0] > column - 1) break;
    found = segment;
  }
  if (!found || found[1] === undefined) return undefined;
  const source = map.sources[found[1]];
  if (source === undefined) return undefined;
  const name = found[4] === undefined ? undefined : map.names[found[4]];
  return { source, line: found[2]! + 1, column: found[3]! + 1, ...(name !== undefined && { name }) };
}

/** Forgets every fetched script and map (tests; a reload starts empty anyway). */
export function clearSourceMaps(): void {
  maps.clear();
}
