/**
 * The panel's only entry: `mount({ wall, container })` renders the Stratum panel over a wall
 * (the extension port in DevTools or `panel.html?tabId=N`, the memory wall in tests) and returns
 * `unmount()`, which tells the page's runtimes `stop`, closes the wall and removes the UI.
 *
 * data-testid reference (what tests and e2e specs select by; rows carry data-* to pick one):
 *
 *   Header      status (data-status = connecting | connected | reconnecting | no-runtime | mismatch),
 *               target-picker, refresh,
 *               snapshot-menu, snapshot-menu-items, snapshot-export, snapshot-import (the label),
 *               snapshot-import-input (file input), snapshot-compare, snapshot-progress
 *   Snapshots   snapshot-import-dialog, snapshot-import-progress, snapshot-refused, snapshot-preview,
 *               snapshot-counts, snapshot-count (data-stratum = state | webstorage | row | cache | blob,
 *               data-kind = added | changed | removed), snapshot-skipped, snapshot-skipped-row (data-path),
 *               snapshot-apply, snapshot-cancel;
 *               snapshot-compare-view, snapshot-compare-a / -b (file inputs), snapshot-compare-a-name /
 *               -b-name, snapshot-compare-error, snapshot-compare-summary, snapshot-compare-close;
 *               snapshot-differences, snapshot-diff-row (data-stratum, data-kind, data-path = JSON), snapshot-diff-path
 *   Tabs        tab-state, tab-storage, tab-database, tab-timeline, tab-search;
 *               panel-state, panel-storage, panel-database, panel-timeline, panel-search (the tab's content)
 *   Search      search-input, search-mode, search-case, search-run, search-cancel, search-progress
 *               (data-state = running | done | cancelled | failed), search-group (data-kind = state |
 *               webstorage | row), search-result (data-kind)
 *   Console     view-console, query-console, console-mode-query / -sql / -write, console-query,
 *               console-table, console-index, console-eq, console-lower, console-upper, console-direction,
 *               console-offset, console-limit, console-filter, console-filter-field, console-filter-op,
 *               console-filter-value, console-add-filter, console-run, console-copy, console-explain,
 *               console-row, console-sql, console-sql-run, console-sql-summary, console-sql-rows,
 *               console-write-label, console-write-ops, console-write-run, console-written,
 *               console-history, console-history-entry
 *   Messages    toast (data-kind = error | info), toast-text, toast-close
 *   Conflict    conflict, conflict-message, conflict-current, conflict-reload, conflict-overwrite,
 *               conflict-no-overwrite (why Overwrite is not offered)
 *   Confirm     confirm, confirm-yes, confirm-no (after clicking any destructive button)
 *   Sorting     sort-<column> (a grid header: sort-key, sort-version, sort-value, sort-size, …)
 *
 *   State       state-filter, state-tree (the scroll box), store-row / scope-row (data-name),
 *               state-row (data-store, data-scope, data-key, data-state-id), state-empty,
 *               state-detail (data-key), state-detail-empty, state-version, persistence-badge,
 *               changes, change-row (data-version), change-label, change-count ("×N"), change-restore,
 *               diff, diff-line (data-kind), stack, stack-frame (data-mapped), stack-link,
 *               history, history-slider (input range), history-position, history-preview (the value
 *               view while an earlier value is shown), history-restore, history-now
 *   Values      value-view, tree-mode, json-mode, value-add-root, value-locked, value-tree,
 *               value-node (data-path = JSON path, data-type), value-toggle, value-key, value-preview,
 *               value-edit, value-rename, rename-input, value-add, value-remove, value-expand, value-blob,
 *               value-editor, value-type (select), value-input, value-save, value-cancel, value-error,
 *               add-entry, add-key, add-error,
 *               json-editor (textarea), json-save, json-cancel, json-error, json-moved,
 *               copy-value, copy-path, store-global
 *   Storage     storage-list, storage-item (data-kind, data-namespace), storage-summary,
 *               storage-kind, storage-backend, availability-badge, availability-reason,
 *               storage-namespace, storage-bytes, storage-estimate,
 *               key-filter, key-add, key-add-form, key-add-name, key-add-error, key-clear, key-grid,
 *               key-row (data-key), key-name, key-value, key-edit, key-delete, key-detail,
 *               foreign-keys, foreign-key-row (data-area, data-key)
 *   Database    database-list, database-empty, database-item (data-name), database-provider,
 *               database-version, database-persistent, database-reason, table-list,
 *               table-item (data-table), table-count, other-databases, other-database (data-name),
 *               database-toolbar, view-rows, view-cache, view-blobs, delete-database,
 *               table-view (data-table), row-new, rows-refresh, clear-table,
 *               row-filter, row-index, range-mode, range-lower, range-upper, range-lower-open,
 *               range-upper-open, range-apply, row-error, row-grid (the scroll box),
 *               row (data-key = JSON key, data-index), row-key, row-loading, row-total,
 *               row-editor (data-key), row-editor-empty, row-delete,
 *               add-row, add-row-json, add-row-error, row-add, row-put,
 *               cache-list, cache-refresh, cache-prune, cache-row (data-key), cache-expires, cache-delete,
 *               blob-list, blob-usage, blob-refresh, blob-upload, blob-upload-input, blob-progress,
 *               blob-row (data-id, data-name), blob-show, blob-row-download, blob-replace,
 *               blob-replace-input, blob-delete,
 *               blob-preview (data-kind = image | audio | video | json | text | hex, data-id),
 *               blob-image, blob-audio, blob-video, blob-text, blob-download, blob-preview-close
 *   Timeline    timeline-toolbar, timeline-filter-state / -storage / -database / -runtime,
 *               timeline-search, timeline-pause, timeline-clear, timeline-export, timeline-trace,
 *               timeline-preserve, timeline-count, timeline (the scroll box),
 *               timeline-row (data-stratum, data-event, data-earlier = "true" before a reload),
 *               timeline-divider ("page reloaded"), timeline-title, timeline-label, timeline-changes ("×N"),
 *               timeline-detail, held, held-value (data-subject), held-preview, restore,
 *               restore-unavailable (why not), stack, stack-frame, stack-link
 */
import { render } from 'preact';
import { App } from './components/App.js';
import { PanelContext } from './components/context.js';
import { Panel } from './models/panel.js';
import type { PanelWall } from './wall.js';

export interface MountOptions {
  wall: PanelWall;
  container: HTMLElement;
}

export interface Mounted {
  unmount(): void;
}

export function mount({ wall, container }: MountOptions): Mounted {
  const panel = new Panel({ wall });
  container.classList.add('stratum-panel');
  // DevTools' theme when the host knows it; otherwise theme.css follows prefers-color-scheme.
  if (wall.theme) container.dataset.theme = wall.theme;
  render(
    <PanelContext.Provider value={panel}>
      <App />
    </PanelContext.Provider>,
    container,
  );
  panel.start();
  let mounted = true;
  return {
    unmount() {
      if (!mounted) return;
      mounted = false;
      panel.dispose();
      render(null, container);
      container.classList.remove('stratum-panel');
      delete container.dataset.theme;
    },
  };
}
