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

/**
 * A path in words, `step` writing each step (`first` for the path's first). A path over 12 steps
 * keeps its first and last 4 around `…(N levels)…`: a value 20,000 levels deep gave a 140 KB path.
 * Every message and toast that names a path writes it through here.
 */
export function pathWords<S>(path: readonly S[], step: (s: S, first: boolean) => string): string {
  const n = path.length;
  return path.map((s, i) => (n < 13 || i < 4 || i >= n - 4 ? step(s, !i) : i > 4 ? '' : `…(${n} levels)…`)).join('');
}

/** `$`, `$.user.tags[2]`, `$["a b"]`: how paths read in messages and the panel. */
export function formatPath(path: readonly (string | number)[]): string {
  return `$${pathWords(path, (segment) => (typeof segment === 'number' ? `[${segment}]` : IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`))}`;
}
