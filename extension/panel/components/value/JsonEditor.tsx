/**
 * The raw JSON mode: the whole value as the codec's tagged JSON (plain JSON reads as itself).
 * Checked as you type; saving an invalid document shows why and sends nothing. The save is based
 * on the version seen when editing began, so a value that moved on meanwhile is a conflict.
 */
import { useState } from 'preact/hooks';
import { parseJson } from '../../lib/leaf.js';
import { useDraft } from '../common/useDraft.js';
import type { Base, ValueSource } from '../../models/value.js';

export function JsonEditor({ source, onDone }: { source: ValueSource; onDone: () => void }) {
  const text = useDraft(() => JSON.stringify(source.value.peek(), null, 2));
  const [base] = useState<Base>(() => source.base());
  // The value the editor opened on, which its save is based on (a re-created state compares it).
  const [seen] = useState(() => source.value.peek());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const moved = source.base() !== base;

  const save = async () => {
    const parsed = parseJson(text.current);
    if (!parsed.ok) return setError(parsed.reason);
    setBusy(true);
    const applied = await source.edit(base, [], 'set', parsed.value, undefined, seen);
    setBusy(false);
    if (applied) onDone();
  };
  return (
    <div class="json-editor" onKeyDown={(event) => {
      if (event.key === 'Escape') onDone();
      else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void save();
    }}>
      <textarea
        data-testid="json-editor"
        aria-label="Value as JSON"
        spellcheck={false}
        value={text.value}
        readOnly={source.locked !== undefined}
        onInput={(event) => {
          const next = event.currentTarget.value;
          text.set(next);
          const parsed = parseJson(next);
          setError(parsed.ok ? null : parsed.reason);
        }}
      />
      {error !== null && (
        <div class="error" data-testid="json-error" role="alert">
          {error} — nothing was applied
        </div>
      )}
      {moved && <div class="note" data-testid="json-moved">Changed on the page since you began: saving will ask to reload or overwrite.</div>}
      <div class="buttons">
        <button type="button" data-testid="json-save" disabled={busy || source.locked !== undefined} onClick={() => void save()} title="Save (Ctrl+Enter)">
          Save
        </button>
        <button type="button" data-testid="json-cancel" onClick={onDone} title="Cancel (Esc)">
          Cancel
        </button>
      </div>
    </div>
  );
}
