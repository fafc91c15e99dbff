/**
 * Which rows the grid shows: by the primary key or an index, all of them, one key, or a range
 * (each bound inclusive unless "open"). Bounds are keys as JSON (`5`, `"a"`, `[1,"x"]`) or plain
 * text; one that does not read says why and nothing is queried.
 */
import type { TableInfo } from '#protocol/messages.js';
import type { RangeMode } from '../../models/row-filter.js';
import { usePanel } from '../context.js';

export function RowFilter({ table }: { table: TableInfo }) {
  const { rows } = usePanel().database;
  const form = rows.filter;
  const mode = form.mode.value;
  const apply = (event: Event) => {
    event.preventDefault();
    rows.applyFilter();
  };
  return (
    <form class="row-filter toolbar" data-testid="row-filter" onSubmit={apply}>
      <select data-testid="row-index" aria-label="Index" value={form.index.value} onChange={(event) => (form.index.value = event.currentTarget.value)}>
        <option value="">primary key</option>
        {table.indexes.map((index) => (
          <option value={index.name}>index {index.name}</option>
        ))}
      </select>
      <select data-testid="range-mode" aria-label="Range" value={mode} onChange={(event) => (form.mode.value = event.currentTarget.value as RangeMode)}>
        <option value="none">all keys</option>
        <option value="eq">equal to</option>
        <option value="range">range</option>
      </select>
      {mode !== 'none' && (
        <>
          <input type="text" data-testid="range-lower" aria-label={mode === 'eq' ? 'Key' : 'Lower bound'} placeholder={mode === 'eq' ? 'key' : 'from'} value={form.lower.value} onInput={(event) => (form.lower.value = event.currentTarget.value)} />
          {mode === 'range' && (
            <>
              <label>
                <input type="checkbox" data-testid="range-lower-open" checked={form.lowerOpen.value} onChange={(event) => (form.lowerOpen.value = event.currentTarget.checked)} /> open
              </label>
              <input type="text" data-testid="range-upper" aria-label="Upper bound" placeholder="to" value={form.upper.value} onInput={(event) => (form.upper.value = event.currentTarget.value)} />
              <label>
                <input type="checkbox" data-testid="range-upper-open" checked={form.upperOpen.value} onChange={(event) => (form.upperOpen.value = event.currentTarget.checked)} /> open
              </label>
            </>
          )}
        </>
      )}
      <button type="submit" data-testid="range-apply">
        Apply
      </button>
      {rows.error.value !== null && (
        <span class="error" data-testid="row-error" role="alert">
          {rows.error.value}
        </span>
      )}
    </form>
  );
}
