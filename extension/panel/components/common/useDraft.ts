/**
 * Text being typed, readable at once: `draft.current` is the latest input even before Preact
 * re-renders, so an Enter that arrives in the same tick as the last keystroke saves what was typed.
 */
import { useRef, useState } from 'preact/hooks';

export interface Draft<T extends string = string> {
  value: T;
  readonly current: T;
  set(next: T): void;
}

export function useDraft<T extends string = string>(initial: T | (() => T)): Draft<T> {
  const [value, setValue] = useState<T>(initial);
  const latest = useRef(value);
  return {
    value,
    get current() {
      return latest.current;
    },
    set(next: T) {
      latest.current = next;
      setValue(next);
    },
  };
}
