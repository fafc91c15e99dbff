import { pathWords, type Path } from '../../codec/index.js';

/** A path in messages: `["a"][0]` (`the value` for the root), cut to its ends past 12 steps by pathWords. */
export function describePath(path: Path): string {
  return path.length === 0 ? 'the value' : pathWords(path, (step) => `[${JSON.stringify(step)}]`);
}
