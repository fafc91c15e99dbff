/**
 * Values as another realm (an iframe, a vm context) hands them over, for tests of the code that
 * must not rely on instanceof.
 */
import vm from 'node:vm';

/**
 * Node's vm contexts have no URL, URLSearchParams, Blob or File (checked on Node 20): such an
 * object is made here, then re-parented onto a prototype made in a vm context that carries its
 * class's accessors and methods. It then looks as an iframe's does: an instance of none of this
 * realm's classes (not even Object), its internal slots intact, its accessors working.
 */
export function asIfFromAnotherRealm<T extends object>(value: T): T {
  const proto = vm.runInNewContext('Object.create(Object.prototype)') as object;
  for (let p = Object.getPrototypeOf(value) as object; p !== Object.prototype; p = Object.getPrototypeOf(p) as object) {
    for (const key of Reflect.ownKeys(p)) if (!Object.hasOwn(proto, key)) Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(p, key)!);
  }
  Object.setPrototypeOf(value, proto);
  if (value instanceof Object) throw new Error('asIfFromAnotherRealm: the value is still an instance of this realm');
  return value;
}
