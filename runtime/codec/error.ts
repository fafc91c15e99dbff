import type { Path } from './types.js';

/** Anything the codec cannot encode or decode faithfully. `path` locates the offending node. */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  readonly path: Path | undefined;

  constructor(message: string, path?: Path) {
    super(path === undefined ? message : `${message} (at ${formatPath(path)})`);
    this.path = path;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `$`, `$.user.tags[2]`, `$["a b"]`: how paths read in messages and the panel. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}
