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

export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') {
    throw new TypeError(`State key must be a string, got ${describe(key)}.`);
  }
  if (key === '') throw new TypeError('State key must not be empty.');
}

export function checkScope(scope: unknown): asserts scope is string {
  if (typeof scope !== 'string') {
    throw new TypeError(`State scope must be a string, got ${describe(scope)}.`);
  }
  if (scope === '') throw new TypeError('State scope must not be empty.');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value;
}
