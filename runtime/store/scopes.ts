declare const __STRATUM_NO_AGENT__: boolean | undefined;

/** Special scopes. Any other string is a global scope shared by every component. */
export const Scopes = {
  Component: '$component',
  Client: '$client',
  User: '$user',
} as const;

export type SpecialScope = (typeof Scopes)[keyof typeof Scopes];

/** The scope `createRef` states live in. */
export const REF_SCOPE = '$ref';

/**
 * A state's id: a fixed encoding of (resolved scope, key). JSON of the pair is collision-free
 * for any strings ({scope:'a:b',key:'c'} and {scope:'a',key:'b:c'} differ) and stable across
 * reloads, which persistence and the panel's selection rely on.
 */
export function stateId(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}

/** Keys and scopes are non-empty strings; anything else is a clear error naming which. */
export function checkName(what: 'key' | 'scope', value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    const got = value === '' ? 'an empty string' : value === null ? 'null' : typeof value;
    throw new TypeError(typeof __STRATUM_NO_AGENT__ === 'undefined' ? `State ${what} must be a non-empty string, got ${got}.` : coded(9, what, got));
  }
}

/**
 * Production messages. Development builds throw and warn in words; a production build
 * (build.mjs defines `__STRATUM_NO_AGENT__` for the `production` export condition) keeps a
 * numbered code and the values involved, as React's and Redux's minified errors do, and every
 * word of the text drops out of the bundle. docs/ERRORS.md lists each code with its words.
 *
 * Each site reads `typeof __STRATUM_NO_AGENT__ === 'undefined' ? words : coded(n, …)` in place:
 * the define folds the test only where it is written, and a helper taking the words as an
 * argument would keep them in the bundle.
 * It lives here, beside the checks, not in a module of its own: the lazy persistence link uses it
 * too, and a module of its own was a chunk of its own (one chunk import more for every entry).
 */
export function coded(code: number, ...details: unknown[]): string {
  return `stratum error ${code}${details.length ? ` (${details.map(String).join(', ')})` : ''}: see docs/ERRORS.md`;
}
