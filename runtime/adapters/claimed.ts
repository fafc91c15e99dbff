/**
 * The library values an adapter shows, shared by every copy of the runtime on the page through a
 * global registered symbol: the extension's Redux DevTools shim bundles a runtime of its own, and
 * a store whose value an adapter already mirrors must not be listed a second time by it.
 * Weak, so a claimed state object leaves with the library's garbage.
 */
const KEY = Symbol.for('stratum.adapters.mirrored');

function mirrored(): WeakSet<object> {
  const holder = globalThis as { [KEY]?: WeakSet<object> };
  return (holder[KEY] ??= new WeakSet());
}

/** Notes a library value object as shown by an adapter (primitives cannot be told apart: ignored). */
export function markMirrored(value: unknown): void {
  if (typeof value === 'object' && value !== null) mirrored().add(value);
}

/** Whether an adapter on this page shows this very value object. */
export function isMirrored(value: unknown): boolean {
  return typeof value === 'object' && value !== null && mirrored().has(value);
}
