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

/** What a capture returns: V8 formats `stack` on first read. */
export interface Site {
  stack?: string;
  /** The method the stack is cut after, where the engine could not cut it (not V8). */
  boundary?: string;
}

/** A public method, as the instance holds it (its prototype's function). */
type Method = Function;

const STRATUM_FILE = /\/(?:dist\/runtime|node_modules\/stratum\/dist)\/|\/runtime\/(?:store|webstorage|db|devtools|protocol|codec)\/[^/]+\.[jt]s:/;

/** V8 prints frames as `    at …` and cuts at a function with captureStackTrace. */
const V8 = typeof Error.captureStackTrace === 'function' && /\n\s+at /.test(new Error('probe').stack ?? '');

/** The stack above the topmost call of `boundary`; undefined when `boundary` is not on the stack. */
export function capture(boundary: Method): Site | undefined {
  if (V8) {
    const site: Site = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = MAX_TRACE_FRAMES;
    try {
      Error.captureStackTrace(site, boundary);
    } finally {
      Error.stackTraceLimit = limit;
    }
    // Not on the stack: V8 keeps only the header line.
    return /\n/.test(site.stack ?? '') ? site : undefined;
  }
  return { stack: new Error().stack ?? '', boundary: boundary.name };
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
  // V8's header line (`Error`) is no frame: normalize drops it.
  let list = (site.stack ?? '').split('\n').map(normalize).filter((frame): frame is string => frame !== undefined);
  if (site.boundary !== undefined) {
    const cut = list.findIndex((frame) => nameOf(frame) === site.boundary);
    list = cut < 0 ? list : list.slice(cut + 1);
    list = list.filter((frame) => !STRATUM_FILE.test(frame));
  }
  return list.slice(0, MAX_TRACE_FRAMES);
}
