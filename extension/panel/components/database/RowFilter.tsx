/**
 * Which rows the grid shows: by the primary key or an index, all of them, one key, or a range
 * (each bound inclusive unless "open"). Bounds are keys as JSON (`5`, `"a"`, `[1,"x"]`) or plain
 * text; one that does not read says why and nothing is queried.
 */
import type { TableInfo } from '../../../../runtime/protocol/messages.js';
import type { RangeMode } from '../../models/rows.js';
import { usePanel } from '../context.js';

export function RowFilter({ table }: { table: TableInfo }) {
  const { rows } = usePanel().database;
  const mode = rows.mode.value;
  const apply = (event: Event) => {
    event.preventDefault();
    rows.applyFilter();
  };
  return (
    <form class="row-filter toolbar" data-testid="row-filter" onSubmit={apply}>
      <select data-testid="row-index" aria-label="Index" value={rows.index.value} onChange={(event) => (rows.index.value = event.currentTarget.value)}>
        <option value="">primary key</option>
        {table.indexes.map((index) => (
          <option value={index.name}>index {index.name}</option>
        ))}
      </select>
      <select data-testid="range-mode" aria-label="Range" value={mode} onChange={(event) => (rows.mode.value = event.currentTarget.value as RangeMode)}>
        <option value="none">all keys</option>
        <option value="eq">equal to</option>
        <option value="range">range</option>
      </select>
      {mode !== 'none' && (
        <>
          <input type="text" data-testid="range-lower" aria-label={mode === 'eq' ? 'Key' : 'Lower bound'} placeholder={mode === 'eq' ? 'key' : 'from'} value={rows.lower.value} onInput={(event) => (rows.lower.value = event.currentTarget.value)} />
          {mode === 'range' && (
            <>
              <label>
                <input type="checkbox" data-testid="range-lower-open" checked={rows.lowerOpen.value} onChange={(event) => (rows.lowerOpen.value = event.currentTarget.checked)} /> open
              </label>
              <input type="text" data-testid="range-upper" aria-label="Upper bound" placeholder="to" value={rows.upper.value} onInput={(event) => (rows.upper.value = event.currentTarget.value)} />
              <label>
                <input type="checkbox" data-testid="range-upper-open" checked={rows.upperOpen.value} onChange={(event) => (rows.upperOpen.value = event.currentTarget.checked)} /> open
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
