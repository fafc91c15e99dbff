import type { Encoded } from './types.js';

/**
 * JSON text of an encoded value: JSON.stringify, or stringifyDeep where the engine runs out of
 * stack (values a few thousand levels deep). The one place that tells running out of stack apart.
 */
export function stringifyEncoded(encoded: Encoded): string {
  try {
    return JSON.stringify(encoded);
  } catch (error) {
    if (outOfStack(error)) return stringifyDeep(encoded);
    throw error;
  }
}

/** Running out of stack: a RangeError in V8 and WebKit, an InternalError (not a RangeError) in Firefox. */
export function outOfStack(error: unknown): boolean {
  return error instanceof RangeError || (error instanceof Error && error.name === 'InternalError');
}

/**
 * JSON text of an encoded value without recursion. V8's JSON.stringify recurses and runs out
 * of stack a few thousand levels down (JSON.parse does not), so serialize falls back to this
 * for deep values instead of failing; it is slower, so it is only the fallback.
 */
export function stringifyDeep(value: Encoded): string {
  const parts: string[] = [];
  const items: unknown[] = [value];
  const literal: boolean[] = [false];
  const push = (item: unknown, isLiteral: boolean): void => {
    items.push(item);
    literal.push(isLiteral);
  };
  while (items.length > 0) {
    const item = items.pop();
    if (literal.pop()) {
      parts.push(item as string);
      continue;
    }
    if (item === null || typeof item !== 'object') {
      parts.push(JSON.stringify(item));
      continue;
    }
    if (Array.isArray(item)) {
      push(']', true);
      for (let i = item.length - 1; i >= 0; i--) {
        push(item[i], false);
        if (i > 0) push(',', true);
      }
      push('[', true);
    } else {
      const keys = Object.keys(item);
      push('}', true);
      for (let i = keys.length - 1; i >= 0; i--) {
        push((item as Record<string, unknown>)[keys[i]!], false);
        push(`${JSON.stringify(keys[i])}:`, true);
        if (i > 0) push(',', true);
      }
      push('{', true);
    }
  }
  return parts.join('');
}
