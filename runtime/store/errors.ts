/**
 * Production messages. Development builds throw and warn in words; a production build
 * (build.mjs defines `__STRATUM_NO_AGENT__` for the `production` export condition) keeps a
 * numbered code and the values involved, as React's and Redux's minified errors do, and every
 * word of the text drops out of the bundle. docs/ERRORS.md lists each code with its words.
 *
 * Each site reads `typeof __STRATUM_NO_AGENT__ === 'undefined' ? words : coded(n, …)` in place:
 * the define folds the test only where it is written, and a helper taking the words as an
 * argument would keep them in the bundle.
 */
export function coded(code: number, ...details: unknown[]): string {
  return `stratum error ${code}${details.length ? ` (${details.map(String).join(', ')})` : ''}: see docs/ERRORS.md or a development build`;
}
