import { describe, expect, it } from 'vitest';
import { createRef } from './index.js';

describe('createRef', () => {
  it('creates states in a store of their own named refs, scope $ref, key ref-N', () => {
    const a = createRef(1);
    const b = createRef('x');
    expect(a.scope).toBe('$ref');
    expect(a.key).toMatch(/^ref-\d+$/);
    expect(Number(b.key.slice(4))).toBe(Number(a.key.slice(4)) + 1);
    a.set(2);
    expect(a.get()).toBe(2);
    expect(b.get()).toBe('x');
  });
});
