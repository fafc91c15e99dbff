/**
 * The row grid's filter form: which index, and all keys, one key, or a range with open or closed
 * bounds. Bounds are typed as keys (JSON, or plain text for a string). `build` turns the form
 * into a query, or says which bound does not read (and nothing is queried).
 */
import { batch, signal } from '@preact/signals';
import type { Range } from '#protocol/messages.js';
import { parseKey } from '../lib/leaf.js';

export type RangeMode = 'none' | 'eq' | 'range';

export class RowFilterForm {
  readonly index = signal('');
  readonly mode = signal<RangeMode>('none');
  readonly lower = signal('');
  readonly upper = signal('');
  readonly lowerOpen = signal(false);
  readonly upperOpen = signal(false);

  reset(): void {
    batch(() => {
      this.index.value = '';
      this.mode.value = 'none';
      this.lower.value = '';
      this.upper.value = '';
      this.lowerOpen.value = false;
      this.upperOpen.value = false;
    });
  }

  /** The index and range the form describes, or why a bound does not read. */
  build(): { ok: true; index: string | undefined; range: Range | undefined } | { ok: false; reason: string } {
    const index = this.index.peek() === '' ? undefined : this.index.peek();
    const mode = this.mode.peek();
    if (mode === 'none') return { ok: true, index, range: undefined };
    const range: Range = {};
    const lower = this.lower.peek().trim();
    const upper = this.upper.peek().trim();
    if (mode === 'eq' || lower !== '') {
      const parsed = parseKey(lower);
      if (!parsed.ok) return { ok: false, reason: `${mode === 'eq' ? 'key' : 'lower bound'}: ${parsed.reason}` };
      if (mode === 'eq') range.eq = parsed.value;
      else range[this.lowerOpen.peek() ? 'gt' : 'gte'] = parsed.value;
    }
    if (mode === 'range' && upper !== '') {
      const parsed = parseKey(upper);
      if (!parsed.ok) return { ok: false, reason: `upper bound: ${parsed.reason}` };
      range[this.upperOpen.peek() ? 'lt' : 'lte'] = parsed.value;
    }
    return { ok: true, index, range: Object.keys(range).length > 0 ? range : undefined };
  }
}
