/**
 * Stratum's databases with provider, version, whether they persist, and their tables (key path,
 * autoIncrement, indexes, count). Internal layouts ($cache, $blobs) are marked as such.
 */
import type { DatabaseInfo, TableInfo } from '#protocol/messages.js';
import { Badge } from '../common/Badge.js';
import { usePanel } from '../context.js';

function keyPath(path: string | string[]): string {
  return Array.isArray(path) ? `[${path.join(', ')}]` : path || '(out of line)';
}

export function DatabaseList() {
  const { database, connection } = usePanel();
  const list = database.databases.value;
  const current = database.current.value;
  // The highlight moves with the rows it stands for: a table opened where none was shown is marked
  // when its rows show (RowsModel.HOLD_MS at most), so that click changes nothing on screen before
  // then (issue 18); a table that replaces another is marked at once, as it is shown at once.
  const table = database.view.value === 'rows' ? database.shownTable.value?.name : database.selectedTable.value;
  if (list.length === 0) {
    return (
      <div class="empty" data-testid="database-empty">
        {connection.inspecting ? 'No IndexedDB database on this origin.' : 'No Stratum database on this page.'}
      </div>
    );
  }
  return (
    <ul class="side-list" data-testid="database-list">
      {list.map((db: DatabaseInfo) => (
        <li class={`database${db === current ? ' selected' : ''}`} data-testid="database-item" data-name={db.name} onClick={() => database.selectDatabase(db.name)}>
          <div class="db-head">
            <span class="name">{db.name}</span>
            <Badge testid="database-provider">{db.provider}</Badge>
            <Badge testid="database-version">v{db.version}</Badge>
            <Badge tone={db.persistent ? 'ok' : 'bad'} testid="database-persistent" title={db.reason}>
              {db.persistent ? 'persistent' : 'memory only'}
            </Badge>
            {db.closed && <Badge tone="bad">closed</Badge>}
          </div>
          {db.reason !== undefined && (
            <div class="reason" data-testid="database-reason">
              {db.reason}
            </div>
          )}
          {db === current && (
            <ul class="tables" data-testid="table-list">
              {db.tables.map((info: TableInfo) => (
                <li
                  class={info.name === table ? 'selected' : ''}
                  data-testid="table-item"
                  data-table={info.name}
                  tabIndex={0}
                  onClick={() => database.selectTable(info.name)}
                  onKeyDown={(event) => event.key === 'Enter' && database.selectTable(info.name)}
                >
                  <span class="name">{info.name}</span>
                  {info.internal && <Badge>internal</Badge>}
                  <span class="count" data-testid="table-count">
                    {info.count === null ? '?' : info.count.toLocaleString('en-US')}
                  </span>
                  <div class="table-meta">
                    key {keyPath(info.keyPath)}
                    {info.autoIncrement && ' · autoIncrement'}
                    {info.indexes.length > 0 && ` · indexes: ${info.indexes.map((index) => `${index.name} (${keyPath(index.keyPath)}${index.unique ? ', unique' : ''}${index.multiEntry ? ', multiEntry' : ''})`).join(', ')}`}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
