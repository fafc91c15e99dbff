import type { Wall } from './bridge.js';

/**
 * Two connected in-memory walls: what one sends, the other's listeners receive, structured-
 * cloned as postMessage would (so a payload that could not cross a real wall fails here too).
 * Delivery is synchronous, which keeps unit tests free of timing. Used by the agent's and the
 * panel's tests in place of window.postMessage and runtime.Port.
 */
export function memoryWalls(): [Wall, Wall] {
  const a = new Set<(data: unknown) => void>();
  const b = new Set<(data: unknown) => void>();
  const wall = (mine: Set<(data: unknown) => void>, theirs: Set<(data: unknown) => void>): Wall => ({
    send(envelope) {
      const copy = structuredClone(envelope);
      for (const listener of [...theirs]) listener(copy);
    },
    listen(listener) {
      mine.add(listener);
      return () => mine.delete(listener);
    },
  });
  return [wall(a, b), wall(b, a)];
}
