/**
 * Importing a snapshot file: sent to the page, then what would change — entries added, changed
 * and removed per stratum, what would be skipped and why, the differences — and only on "Import"
 * applied. A refusal (a newer format, a truncated file, a schema that does not match) is shown
 * in the page's words; nothing was applied.
 */
import type { SnapshotSummary } from '#protocol/messages.js';
import { formatPath } from '../../lib/encoded.js';
import { usePanel } from '../context.js';
import { DifferenceList } from './DifferenceList.js';

const STRATA = [
  ['state', 'States'],
  ['webstorage', 'Webstorage keys'],
  ['row', 'Database rows'],
  ['cache', 'Cache entries'],
  ['blob', 'Blobs'],
] as const;
const KINDS = ['added', 'changed', 'removed'] as const;

export function ImportDialog() {
  const { snapshots } = usePanel();
  const step = snapshots.importing.value;
  if (!step) return null;
  return (
    <section class="snapshot-dialog" data-testid="snapshot-import-dialog" role="dialog" aria-label={`Import ${step.name}`}>
      <div class="detail-head dialog-head">
        <strong>Import snapshot {step.name}</strong>
        <span class="spacer" />
        {step.step === 'confirm' && (
          <button type="button" class="danger" data-testid="snapshot-apply" disabled={!changes(step.summary)} onClick={() => void snapshots.confirmImport()}>
            Import
          </button>
        )}
        <button type="button" data-testid="snapshot-cancel" onClick={() => snapshots.cancelImport()}>
          {step.step === 'refused' ? 'Close' : 'Cancel'}
        </button>
      </div>
      {step.step === 'sending' && (
        <div class="note" data-testid="snapshot-import-progress">
          Sending the file to the page… {step.progress.size > 0 ? Math.floor((step.progress.done / step.progress.size) * 100) : 100}%
        </div>
      )}
      {step.step === 'importing' && <div class="note">Importing…</div>}
      {step.step === 'refused' && (
        <div class="error" data-testid="snapshot-refused" role="alert">
          Not imported: {step.reason}. Nothing was applied.
        </div>
      )}
      {step.step === 'confirm' && <Preview summary={step.summary} />}
    </section>
  );
}

function changes(summary: SnapshotSummary): boolean {
  return Object.values(summary.counts).some((counts) => counts.added + counts.changed + counts.removed > 0);
}

function Preview({ summary }: { summary: SnapshotSummary }) {
  return (
    <div data-testid="snapshot-preview">
      <p>
        {changes(summary)
          ? 'Importing replaces the page’s data with the file’s: these entries would change.'
          : 'The page already holds what this file holds: nothing would change.'}
      </p>
      <table class="grid snapshot-counts" data-testid="snapshot-counts">
        <thead>
          <tr>
            <th />
            {KINDS.map((kind) => (
              <th>{kind}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {STRATA.map(([stratum, title]) => (
            <tr>
              <td>{title}</td>
              {KINDS.map((kind) => (
                <td class="num" data-testid="snapshot-count" data-stratum={stratum} data-kind={kind}>
                  {summary.counts[stratum][kind]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {summary.skipped.length > 0 && (
        <>
          <h3>Skipped ({summary.skipped.length})</h3>
          <ul class="skipped" data-testid="snapshot-skipped">
            {summary.skipped.map((skip) => (
              <li data-testid="snapshot-skipped-row" data-path={JSON.stringify(skip.path)}>
                <code>{formatPath(skip.path)}</code>: {skip.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      <DifferenceList differences={summary.differences} total={summary.total} />
    </div>
  );
}
