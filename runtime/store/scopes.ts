import { coded } from './errors.js';

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
