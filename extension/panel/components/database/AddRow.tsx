/**
 * A new row as JSON (the codec's tagged form): "Add" refuses a key that exists (ConstraintError),
 * "Put" writes it only where no row is (a row there is a conflict: reload or overwrite).
 */
import { useState } from 'preact/hooks';
import type { Encoded } from '#codec/types.js';
import { parseJson } from '../../lib/leaf.js';
import { usePanel } from '../context.js';
import { useDraft } from '../common/useDraft.js';

export function AddRow({ onClose }: { onClose: () => void }) {
  const { rows } = usePanel().database;
  const text = useDraft<string>('{\n  \n}');
  const [error, setError] = useState<string | null>(null);
  const submit = async (write: (value: Encoded) => Promise<boolean>) => {
    const parsed = parseJson(text.current);
    if (!parsed.ok) return setError(parsed.reason);
    if (await write(parsed.value)) onClose();
  };
  return (
    <div class="add-row" data-testid="add-row" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      <textarea
        data-testid="add-row-json"
        aria-label="New row as JSON"
        spellcheck={false}
        value={text.value}
        autoFocus
        onInput={(event) => {
          text.set(event.currentTarget.value);
          setError(null);
        }}
      />
      {error !== null && (
        <div class="error" data-testid="add-row-error" role="alert">
          {error} — nothing was written
        </div>
      )}
      <div class="buttons">
        <button type="button" data-testid="row-add" onClick={() => void submit((value) => rows.add(value))}>
          Add
        </button>
        <button type="button" data-testid="row-put" onClick={() => void submit((value) => rows.put(value, null))}>
          Put
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
