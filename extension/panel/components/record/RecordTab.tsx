/**
 * The Record tab (issue 23): record a session of the page (a banner when the byte budget stopped
 * it), save or load a recording, replay it change by change (step, play, pause, go to change N),
 * copy it as a vitest test, and rehearse the app's migration on a snapshot taken at an older
 * schema version.
 */
import { useState } from 'preact/hooks';
import { copyText } from '../../lib/clipboard.js';
import { saveBlob } from '../../lib/download.js';
import { plural } from '../../lib/format.js';
import { summary } from '../../lib/encoded.js';
import type { Encoded } from '#codec/index.js';
import type { RecordedChange } from '#snapshot-file/recording.js';
import type { Rehearsal } from '../../models/recording.js';
import { usePanel } from '../context.js';
import { DifferenceList } from '../snapshot/DifferenceList.js';
import { readFile } from '../snapshot/read-file.js';

const LISTED = 500;

function where(change: RecordedChange): string {
  if (change.kind === 'state') return `${change.store} › ${change.scope} › ${change.key}`;
  if (change.kind === 'webstorage') return `${change.storage}:${change.namespace}${change.key === null ? ' (cleared)' : ` › ${change.key}`}`;
  return `${change.database} › ${change.ops.map((op) => `${op.op} ${op.table}`).join(', ')}`;
}

function kib(characters: number): string {
  return `${(characters / 1024).toFixed(1)} KiB`;
}

export function RecordTab() {
  const panel = usePanel();
  const model = panel.recording;
  const connected = panel.connection.status.value === 'connected';
  const status = model.status.value;
  const loaded = model.recording.value;
  const busy = model.busy.value;
  const playing = model.playing.value;
  const [target, setTarget] = useState('');
  const [budget, setBudget] = useState('16');
  const [testText, setTestText] = useState<string | null>(null);
  const recording = status?.recording === true;
  const pick = (run: (name: string, text: string) => void) => (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void readFile(file, panel.ui).then((text) => text !== undefined && run(file.name, text));
  };
  const copyTest = () => {
    const test = model.testFile();
    if (!test) return;
    setTestText(test.text);
    copyText(test.text).then(
      () => panel.ui.notify(`Copied ${test.name}: save it beside your tests and run it with vitest`),
      // The text stays on screen to select by hand.
      (error: unknown) => panel.ui.notify(`Not copied (${error instanceof Error ? error.message : String(error)}): select the text below`),
    );
  };
  const total = loaded?.file.changes.length ?? 0;
  return (
    <section class="record-tab" data-testid="record-tab" aria-label="Record and replay">
      <div class="toolbar">
        {!status || !status.recording ? (
          <>
            <button
              type="button"
              data-testid="record-start"
              disabled={!connected || busy || status?.stopped === 'budget' || !(Number(budget) > 0)}
              onClick={() => void model.start(Math.round(Number(budget) * 1024 * 1024))}
              title="A snapshot now, then every change of every stratum until you stop"
            >
              ● Record
            </button>
            <label title="Recording stops by itself, with a banner, when its changes reach this size">
              budget{' '}
              <input type="number" min={0.001} step="any" class="budget" value={budget} data-testid="record-budget" aria-label="Byte budget in MiB" onInput={(event) => setBudget((event.currentTarget as HTMLInputElement).value)} /> MiB
            </label>
          </>
        ) : null}
        {status && (
          <button type="button" data-testid="record-stop" disabled={busy} onClick={() => void model.stop()}>
            ■ Stop{status.stopped === 'budget' ? ' and keep' : ''}
          </button>
        )}
        {status && (
          <span class="note" data-testid="record-status">
            {recording ? 'Recording… ' : ''}
            {plural(status.changes, 'change')}, {kib(status.bytes)} of {kib(status.budget)}
          </span>
        )}
        <span class="spacer" />
        <label class={`button${recording ? ' disabled' : ''}`} title="Replay a recording file saved earlier">
          Load recording…
          <input type="file" accept=".json,application/json" hidden disabled={recording} data-testid="record-load-input" onChange={pick((name, text) => model.load(name, text))} />
        </label>
        <label class={`button${connected ? '' : ' disabled'}`} title="Run the app's current upgrade on a throw-away copy of a snapshot taken at an older schema version">
          Rehearse migration…
          <input type="file" accept=".json,application/json" hidden disabled={!connected} data-testid="rehearse-input" onChange={pick((name, text) => void model.rehearse(name, text))} />
        </label>
      </div>
      {status?.stopped === 'budget' && (
        <div class="banner warn" role="alert" data-testid="record-budget-banner">
          Recording stopped at its byte budget ({kib(status.budget)}) after {plural(status.changes, 'change')}: everything up to there is kept, nothing after it was
          recorded. Stop to keep it.
        </div>
      )}
      {loaded && (
        <div class="recording" data-testid="record-loaded" data-changes={total} data-position={loaded.position ?? ''}>
          <div class="toolbar">
            <strong data-testid="record-name">{loaded.name}</strong>
            <span class="note">
              {plural(total, 'change')} · recorded on {loaded.file.page.url}
              {loaded.file.stopped === 'budget' ? ' · stopped at the byte budget' : ''}
            </span>
            <span class="spacer" />
            <button type="button" data-testid="record-save" onClick={() => saveBlob(new Blob([loaded.text], { type: 'application/json' }), loaded.name)}>
              Save
            </button>
            <button type="button" data-testid="record-copy-test" onClick={copyTest} title="A vitest + stratumjs/puppeteer test that restores the start, replays every change and asserts the end">
              Copy as test
            </button>
          </div>
          <div class="toolbar" role="group" aria-label="Replay">
            <button type="button" data-testid="replay-step" disabled={!connected || busy || playing || loaded.position === total} onClick={() => void model.step()}>
              Step
            </button>
            {playing ? (
              <button type="button" data-testid="replay-pause" onClick={() => model.pause()}>
                Pause
              </button>
            ) : (
              <button type="button" data-testid="replay-play" disabled={!connected || busy || loaded.position === total} onClick={() => model.play()}>
                Play
              </button>
            )}
            <label>
              Go to change{' '}
              <input
                type="number"
                min={0}
                max={total}
                value={target}
                data-testid="replay-goto-input"
                aria-label="Change number (0: the start)"
                onInput={(event) => setTarget((event.currentTarget as HTMLInputElement).value)}
              />
            </label>
            <button type="button" data-testid="replay-goto" disabled={!connected || busy || playing || target === ''} onClick={() => void model.goTo(Number(target))}>
              Go
            </button>
            <span class="note" data-testid="replay-position">
              {loaded.position === null ? 'not replayed on this page yet' : loaded.position === 0 ? `at the start (0 of ${total})` : `at change ${loaded.position} of ${total}`}
            </span>
          </div>
          <ol class="record-changes" data-testid="record-changes">
            {loaded.file.changes.slice(0, LISTED).map((change, i) => (
              <li class={loaded.position !== null && i < loaded.position ? 'applied' : ''} data-testid="record-change" title={change.stack?.join('\n')}>
                <button type="button" class="link" disabled={!connected || busy || playing} onClick={() => void model.goTo(i + 1)}>
                  {i + 1}
                </button>{' '}
                <span class="badge note">{change.kind}</span> <code>{where(change)}</code> <span class="note">{change.label}</span>{' '}
                <span class="note">+{Math.round(change.at)} ms</span>
              </li>
            ))}
            {total > LISTED && <li class="note">… and {(total - LISTED).toLocaleString('en-US')} more (go to them by number)</li>}
          </ol>
          {testText !== null && <textarea class="record-test" readonly rows={12} data-testid="record-test-text" value={testText} />}
        </div>
      )}
      <RehearsalView />
    </section>
  );
}

function RehearsalView() {
  const view = usePanel().recording.rehearsal.value;
  if (!view) return null;
  if (view.running) return <div class="note" data-testid="rehearsal-running">Rehearsing the upgrade on a copy of {view.name}…</div>;
  return (
    <section class="rehearsal" data-testid="rehearsal" aria-label="Migration rehearsal">
      <strong>Migration rehearsal of {view.name}</strong> <span class="note">(a throw-away copy in memory: the app's database was not touched)</span>
      {view.error !== undefined && (
        <div class="banner error" data-testid="rehearsal-refused">
          {view.error}
        </div>
      )}
      {view.rehearsals?.map((one) => <OneRehearsal rehearsal={one} />)}
    </section>
  );
}

function OneRehearsal({ rehearsal }: { rehearsal: Rehearsal }) {
  const head = `${rehearsal.database}: version ${rehearsal.from} → ${rehearsal.to}`;
  if (rehearsal.ok) {
    const differences = rehearsal.differences ?? [];
    return (
      <div class="rehearsal-one" data-testid="rehearsal-ok" data-database={rehearsal.database}>
        <div>
          ✓ {head}: the upgrade succeeded; {differences.length === 0 ? 'it changed nothing' : plural(differences.length, 'difference')}.
        </div>
        <DifferenceList differences={differences} />
      </div>
    );
  }
  return (
    <div class="rehearsal-one" data-testid="rehearsal-failed" data-database={rehearsal.database}>
      <div class="banner error" data-testid="rehearsal-error">
        ✗ {head}: {rehearsal.error?.name}: {rehearsal.error?.message}
      </div>
      {rehearsal.row && (
        <div data-testid="rehearsal-row">
          Failed on the row {rehearsal.row.op === 'read' ? 'it was upgrading' : `it tried to ${rehearsal.row.op}`} in <code>{rehearsal.row.table}</code>, key{' '}
          <code data-testid="rehearsal-row-key">{summary(rehearsal.row.key as Encoded)}</code>: <code>{summary(rehearsal.row.value as Encoded)}</code>
        </div>
      )}
      {rehearsal.rolledBack !== undefined && (
        <div class="note" data-testid="rehearsal-rollback">
          {rehearsal.rolledBack ? 'The upgrade transaction was rolled back: the copy is at the old version with every row as it was.' : 'The copy was not left as it was before the upgrade.'}
        </div>
      )}
    </div>
  );
}
