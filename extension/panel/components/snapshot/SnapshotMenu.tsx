/**
 * The header's "Snapshots" menu: export the page's data as a .json file, import a file (preview
 * and confirmation follow in ImportDialog), compare two files (CompareView).
 */
import { useState } from 'preact/hooks';
import { saveBlob } from '../../lib/download.js';
import { usePanel } from '../context.js';
import { readFile } from './read-file.js';

export function SnapshotMenu() {
  const panel = usePanel();
  const { snapshots, connection } = panel;
  const [open, setOpen] = useState(false);
  const connected = connection.status.value === 'connected';
  const exporting = snapshots.exporting.value;
  const exportNow = async () => {
    setOpen(false);
    const file = await snapshots.exportFile();
    if (file) saveBlob(new Blob([file.text], { type: 'application/json' }), file.name);
  };
  return (
    <span class="menu" onKeyDown={(event) => event.key === 'Escape' && setOpen(false)}>
      <button type="button" data-testid="snapshot-menu" aria-haspopup="menu" aria-expanded={open} title="Export, import or compare snapshots of the app's data" onClick={() => setOpen(!open)}>
        Snapshots
      </button>
      {exporting && (
        <span class="note" data-testid="snapshot-progress">
          Exporting… {exporting.size > 0 ? `${Math.floor((exporting.done / exporting.size) * 100)}%` : ''}
        </span>
      )}
      {open && (
        <div class="menu-items" role="menu" data-testid="snapshot-menu-items">
          <button
            type="button"
            role="menuitem"
            data-testid="snapshot-export"
            disabled={!connected || exporting !== null}
            title="Every store's states, every webstorage namespace, every database's rows, cache entries and blobs, as one .json file"
            onClick={() => void exportNow()}
          >
            Export snapshot
          </button>
          <label class={`button${connected ? '' : ' disabled'}`} data-testid="snapshot-import" title="Shows what would change first; nothing is applied until you confirm">
            Import snapshot…
            <input
              type="file"
              accept=".json,application/json"
              hidden
              disabled={!connected}
              data-testid="snapshot-import-input"
              onChange={(event) => {
                const file = event.currentTarget.files?.[0];
                event.currentTarget.value = '';
                setOpen(false);
                if (!file) return;
                void readFile(file, panel.ui).then((text) => {
                  if (text !== undefined) return snapshots.importText(file.name, text);
                });
              }}
            />
          </label>
          <button
            type="button"
            role="menuitem"
            data-testid="snapshot-compare"
            title="What differs between two snapshot files"
            onClick={() => {
              setOpen(false);
              snapshots.openCompare();
            }}
          >
            Compare snapshots…
          </button>
        </div>
      )}
    </span>
  );
}
