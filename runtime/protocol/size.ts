/**
 * How big a message is in the receiver's terms: the parts (objects, arrays, primitives) its
 * validator visits, which LIMITS.nodes bounds per envelope. Senders split envelopes by it.
 */
import { LIMITS } from './limits.js';

/** Parts of `value`, counting stops once past `stopAt` (the answer is then only "too many"). */
export function countNodes(value: unknown, stopAt = Infinity): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (++count > stopAt) return count;
    if (typeof next !== 'object' || next === null) continue;
    if (Array.isArray(next)) {
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    } else {
      for (const key of Object.keys(next)) stack.push((next as Record<string, unknown>)[key]);
    }
  }
  return count;
}

/** Parts an envelope's own fields and batch array take besides its messages. */
const ENVELOPE_PARTS = 16;

/**
 * Splits `batch` into runs that each fit one envelope (LIMITS.nodes parts, LIMITS.batch messages),
 * in order. A message that could not fit even alone goes to `tooBig` instead, on its own: the
 * rest still travels.
 */
export function splitBySize<M>(batch: M[], tooBig: (message: M, parts: number) => void, limit: number = LIMITS.nodes): M[][] {
  const room = limit - ENVELOPE_PARTS;
  const out: M[][] = [];
  let current: M[] = [];
  let used = 0;
  for (const message of batch) {
    const parts = countNodes(message, room);
    if (parts > room) {
      tooBig(message, parts);
      continue;
    }
    if (current.length > 0 && (used + parts > room || current.length >= LIMITS.batch)) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(message);
    used += parts;
  }
  if (current.length > 0) out.push(current);
  return out;
}
