/**
 * Comparing two snapshot files in the panel: pick a "before" and an "after" file; each is read
 * and checked (a file that is not a snapshot says why), then `diff` lists what differs, by
 * stratum and path, with the values before and after.
 */
import { usePanel } from '../context.js';
import type { Side } from '../../models/snapshots.js';
import { DifferenceList } from './DifferenceList.js';
import { readFile } from './read-file.js';
import { plural } from '../../lib/format.js';

export function CompareView() {
  const panel = usePanel();
  const { snapshots } = panel;
  const comparison = snapshots.comparing.value;
  if (!comparison) return null;
  const differences = comparison.differences;
  const pick = (slot: 'a' | 'b') => (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void readFile(file, panel.ui).then((text) => {
      if (text !== undefined) snapshots.compareText(slot, file.name, text);
    });
  };
  return (
    <section class="snapshot-dialog" data-testid="snapshot-compare-view" aria-label="Compare snapshots">
      <div class="detail-head">
        <strong>Compare snapshots</strong>
        <span class="spacer" />
        <button type="button" data-testid="snapshot-compare-close" onClick={() => snapshots.closeCompare()}>
          Close
        </button>
      </div>
      <div class="compare-files">
        <FilePick label="Before" slot="a" side={comparison.a} onChange={pick('a')} />
        <FilePick label="After" slot="b" side={comparison.b} onChange={pick('b')} />
      </div>
      {differences && (
        <>
          <div class="note" data-testid="snapshot-compare-summary">
            {differences.length === 0 ? 'No differences: both files hold the same data.' : `${plural(differences.length, 'difference')} from before to after`}
          </div>
          <DifferenceList differences={differences} />
        </>
      )}
    </section>
  );
}

function FilePick({ label, slot, side, onChange }: { label: string; slot: 'a' | 'b'; side: Side | undefined; onChange: (event: Event) => void }) {
  return (
    <div class="compare-file">
      <label class="button">
        {label}: choose file…
        <input type="file" accept=".json,application/json" hidden data-testid={`snapshot-compare-${slot}`} onChange={onChange} />
      </label>{' '}
      {side?.file && (
        <span data-testid={`snapshot-compare-${slot}-name`}>
          {side.name} <span class="note">({side.file.createdAt}, {side.file.page.url})</span>
        </span>
      )}
      {side?.error !== undefined && (
        <span class="error" data-testid="snapshot-compare-error" role="alert">
          {side.name}: {side.error}
        </span>
      )}
    </div>
  );
}
