/** A filter input bound to a model's signal (so the filter survives reconnects). */
import type { Signal } from '@preact/signals';

export function FilterBox({ value, testid, placeholder }: { value: Signal<string>; testid: string; placeholder: string }) {
  return (
    <input
      type="search"
      class="filter"
      data-testid={testid}
      placeholder={placeholder}
      aria-label={placeholder}
      value={value.value}
      onInput={(event) => (value.value = event.currentTarget.value)}
      onKeyDown={(event) => event.key === 'Escape' && (value.value = '')}
    />
  );
}
