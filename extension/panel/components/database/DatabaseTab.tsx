/**
 * The Database tab: databases and tables on the left (with the origin's other IndexedDB
 * databases, read-only); on the right the selected table's rows, or the cache, or the blobs.
 */
import { Confirm } from '../common/Confirm.js';
import { usePanel } from '../context.js';
import { BlobList } from './BlobList.js';
import { BlobPreview } from './BlobPreview.js';
import { CacheList } from './CacheList.js';
import { DatabaseList } from './DatabaseList.js';
import { OriginStores } from './OriginStores.js';
import { OtherDatabases } from './OtherDatabases.js';
import { QueryConsole } from './QueryConsole.js';
import { TableView } from './TableView.js';

export function DatabaseTab() {
  const { database } = usePanel();
  const db = database.current.value;
  const table = database.shownTable.value;
  const view = database.view.value;
  return (
    <div class="split" data-testid="panel-database">
      <div class="side">
        <DatabaseList />
        <OtherDatabases />
        <OriginStores />
      </div>
      <div class="detail">
        {db && (
          <div class="toolbar" data-testid="database-toolbar">
            <strong>{db.name}</strong>
            <button type="button" class={view === 'rows' ? 'on' : ''} data-testid="view-rows" onClick={() => database.show('rows')}>
              Tables
            </button>
            {db.cache && (
              <button type="button" class={view === 'cache' ? 'on' : ''} data-testid="view-cache" onClick={() => database.show('cache')}>
                Cache
              </button>
            )}
            {db.blobs && (
              <button type="button" class={view === 'blobs' ? 'on' : ''} data-testid="view-blobs" onClick={() => database.show('blobs')}>
                Blobs
              </button>
            )}
            <button type="button" class={view === 'console' ? 'on' : ''} data-testid="view-console" onClick={() => database.show('console')}>
              Query
            </button>
            <Confirm label="Delete database" testid="delete-database" question={`Delete database "${db.name}" and all its data?`} onConfirm={() => database.deleteDatabase(db)} />
          </div>
        )}
        {!db && <div class="empty">Select a database.</div>}
        {db && view === 'rows' && (table ? <TableView key={`${db.name}/${table.name}`} db={db} table={table} /> : <div class="empty">Select a table.</div>)}
        {db && view === 'cache' && <CacheList />}
        {db && view === 'blobs' && <BlobList database={db.id} />}
        {db && view === 'console' && <QueryConsole db={db} />}
        <BlobPreview inline={false} />
      </div>
    </div>
  );
}
