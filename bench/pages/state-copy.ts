/**
 * One copy of the store runtime, loaded as `state-copy.js?copy=<name>`: each distinct URL is
 * its own module instance, so a page can hold two runtimes, each with its own registry and
 * agent — one a panel watches, one nobody watches — and sample them alternately.
 */
import { configureDevtools, Store } from '../../runtime/store/index.js';

declare global {
  var __stratumCopies: Record<string, { Store: typeof Store }> | undefined;
}

const copy = new URL(import.meta.url).searchParams.get('copy') ?? 'default';
// Named in the same tick as the import, so the runtime answers hello under this name.
configureDevtools({ name: `bench-${copy}` });
(globalThis.__stratumCopies ??= {})[copy] = { Store };
