/**
 * Call sites for the timeline, only while the panel records traces (off by default).
 *
 * A change is traced from the public method the app called (`state.set`, `storage.remove`,
 * `table.put`, …): everything above that call is Stratum's own (listener loops, the watcher,
 * this file) and is left out, whatever the bundler did to file names. In V8 (Chrome, Node)
 * `Error.captureStackTrace(holder, method)` cuts exactly there, and its frame limit counts only
 * what is kept. Elsewhere (Firefox) the stack is cut after the nearest frame named like the
 * method, and frames from Stratum's own files are dropped where their URLs say so.
 *
 * Capturing walks the stack but does not format it; formatting waits until a delta is sent,
 * so a state set 10,000 times in a frame formats one stack.
 */
import { MAX_TRACE_FRAMES } from '../../protocol/messages.js';

/** What a capture returns: V8's call sites (formatted only when a delta is sent), or a stack text to cut. */
export interface Site {
  sites?: CallSite[];
  stack?: string;
  /** The method the stack text is cut after (engines that cannot cut it). */
  boundary?: string;
}

/** V8's structured frame; its toString is the frame as `Error.stack` prints it. */
interface CallSite {
  toString(): string;
}

/** A public method, as the instance holds it (its prototype's function). */
type Method = Function;

/** V8's stack API, typed here so no engine's typings are assumed. */
const V8Error = Error as unknown as {
  captureStackTrace?: (holder: object, boundary?: Method) => void;
  prepareStackTrace?: (error: unknown, sites: CallSite[]) => unknown;
  stackTraceLimit: number;
};

// The bindings count as Stratum's own: a change made through useStratumState's setter names the component that called it.
const STRATUM_FILE = /\/(?:dist\/runtime|node_modules\/stratumjs\/dist)\/|\/runtime\/(?:store|webstorage|db|devtools|protocol|codec|bindings|react|preact|vue|svelte)\/[^/]+\.[jt]s:/;

/** V8 prints frames as `    at …` and cuts at a function with captureStackTrace. */
const V8 = typeof V8Error.captureStackTrace === 'function' && /\n\s+at /.test(new Error('probe').stack ?? '');

const keepSites = (_error: unknown, sites: CallSite[]): CallSite[] => sites;

/**
 * The stack above the topmost call of `boundary`; undefined when `boundary` is not on the stack.
 * In V8 the frames are read as call sites through a prepareStackTrace of our own, swapped in for
 * this one synchronous read: telling "not on the stack" apart costs no formatting (a formatted
 * stack costs twice the capture).
 */
export function capture(boundary: Method): Site | undefined {
  if (!V8) return { stack: new Error().stack ?? '', boundary: boundary.name };
  const holder: { stack?: unknown } = {};
  const prepare = V8Error.prepareStackTrace;
  const limit = V8Error.stackTraceLimit;
  V8Error.prepareStackTrace = keepSites;
  V8Error.stackTraceLimit = MAX_TRACE_FRAMES;
  let sites: unknown;
  try {
    V8Error.captureStackTrace!(holder, boundary);
    sites = holder.stack;
  } finally {
    V8Error.prepareStackTrace = prepare;
    V8Error.stackTraceLimit = limit;
  }
  return Array.isArray(sites) && sites.length > 0 ? { sites: sites as CallSite[] } : undefined;
}

/** The first of `boundaries` (outermost first) found on the stack. */
export function captureFirst(boundaries: readonly Method[]): Site | undefined {
  for (const boundary of boundaries) {
    const site = capture(boundary);
    if (site) return site;
  }
  return undefined;
}

/** `fn (url:line:col)` or `url:line:col`, whichever engine printed it. */
function normalize(line: string): string | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  if (text.startsWith('at ')) return text.slice(3);
  const at = text.indexOf('@');
  if (at < 0) return undefined;
  const fn = text.slice(0, at);
  const where = text.slice(at + 1);
  return fn === '' ? where : `${fn} (${where})`;
}

function nameOf(frame: string): string {
  const open = frame.indexOf(' (');
  const fn = open < 0 ? '' : frame.slice(0, open);
  return fn.split(/[.#/<]/).pop() ?? '';
}

/** The frames a delta carries: at most MAX_TRACE_FRAMES, innermost first. */
export function frames(site: Site): string[] {
  if (site.sites) return site.sites.slice(0, MAX_TRACE_FRAMES).map(String);
  // V8's header line (`Error`) is no frame: normalize drops it.
  let list = (site.stack ?? '').split('\n').map(normalize).filter((frame): frame is string => frame !== undefined);
  if (site.boundary !== undefined) {
    const cut = list.findIndex((frame) => nameOf(frame) === site.boundary);
    list = cut < 0 ? list : list.slice(cut + 1);
    list = list.filter((frame) => !STRATUM_FILE.test(frame));
  }
  return list.slice(0, MAX_TRACE_FRAMES);
}
