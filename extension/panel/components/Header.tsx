/**
 * The connection in words (connected / reconnecting / no Stratum runtime on this page / a
 * protocol mismatch as the page explained it), a target picker when several runtimes or frames
 * answered, the snapshots menu, and refresh.
 */
import type { RuntimeInfo } from '#protocol/messages.js';
import { usePanel } from './context.js';
import { SnapshotMenu } from './snapshot/SnapshotMenu.js';

export function Header() {
  const panel = usePanel();
  const { connection } = panel;
  const status = connection.status.value;
  const runtimes = connection.runtimes.value;
  const target = connection.target.value;
  return (
    <header class="header">
      <span class={`status ${status}`} data-testid="status" data-status={status} role="status">
        <span class="dot" aria-hidden="true" />
        {connection.message.value}
      </span>
      {runtimes.length > 1 && (
        <select data-testid="target-picker" aria-label="Runtime" value={target ?? ''} onChange={(event) => connection.choose(event.currentTarget.value)}>
          {runtimes.map(({ session, ready }) => (
            <option value={session}>
              {ready.runtime.name} — {where(ready.runtime)}
              {ready.compatible ? '' : ' (protocol mismatch)'}
            </option>
          ))}
        </select>
      )}
      <span class="spacer" />
      {connection.canInspect && status !== 'connecting' && !runtimes.some(({ session }) => session === connection.inspector) && (
        <button
          type="button"
          data-testid="inspect-storage"
          title="Show and edit every IndexedDB database and webstorage key of this page's origin, with or without a Stratum runtime"
          onClick={() => void panel.ui.run(() => connection.inspect())}
        >
          Inspect this page's storage
        </button>
      )}
      {connection.inspecting && connection.asOf.value !== null && (
        <span class="as-of" data-testid="as-of" title="The app's own writes show after Refresh; the panel's edits show at once">
          as of {new Date(connection.asOf.value).toLocaleTimeString()}
        </span>
      )}
      <SnapshotMenu />
      <button type="button" data-testid="refresh" title="Fetch a fresh snapshot" disabled={status !== 'connected'} onClick={() => void panel.refresh()}>
        Refresh
      </button>
    </header>
  );
}

/** Where a runtime runs, as the picker says it: a worker of a page, a Node process, a frame. */
function where(runtime: RuntimeInfo): string {
  if (runtime.worker) return `${runtime.worker.kind} worker ${runtime.worker.url} (page ${runtime.frame.url})`;
  // A Node process (connectDevtools) has no frame: its title says pid and host.
  if (runtime.frame.url.startsWith('node:')) return runtime.frame.title;
  return `${runtime.frame.top ? 'top frame' : 'frame'} ${runtime.frame.url}`;
}
