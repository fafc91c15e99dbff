/**
 * A new row as JSON (the codec's tagged form): "Add" refuses a key that exists (ConstraintError),
 * "Put" writes it only where no row is (a row there is a conflict: reload or overwrite).
 *
 * A table whose keys are out of line (an object store localForage or idb-keyval made: no key
 * path, keyPath '' on the wire) keeps each row's key beside it, so the form asks for the key too
 * and puts the row there, only where no row is. Left empty, a table with a key generator adds
 * the row under the next key; one without has nowhere to put it, and says so before sending.
 */
import { useState } from 'preact/hooks';
import type { Encoded } from '#codec/types.js';
import type { TableInfo } from '#protocol/messages.js';
import { parseJson } from '../../lib/leaf.js';
import { usePanel } from '../context.js';
import { useDraft } from '../common/useDraft.js';

/** The key as typed: JSON (`3`, `"theme"`, `[1, "a"]`), or else the text itself as a string key. */
function keyOf(text: string): Encoded | undefined {
  if (text.trim() === '') return undefined;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : text;
}

export function AddRow({ table, onClose }: { table: Pick<TableInfo, 'keyPath' | 'autoIncrement'>; onClose: () => void }) {
  const { rows } = usePanel().database;
  const outOfLine = table.keyPath === '';
  const text = useDraft<string>(outOfLine ? '' : '{\n  \n}');
  const keyText = useDraft<string>('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (write: (value: Encoded) => Promise<boolean>) => {
    const parsed = parseJson(text.current);
    if (!parsed.ok) return setError(parsed.reason);
    if (await write(parsed.value)) onClose();
  };
  const addOutOfLine = (value: Encoded) => {
    const key = keyOf(keyText.current);
    if (key !== undefined) return rows.put(value, null, key);
    if (table.autoIncrement) return rows.add(value);
    setError('this table keeps its keys out of line and does not generate them: give the new row a key');
    return Promise.resolve(false);
  };
  return (
    <div class="add-row" data-testid="add-row" onKeyDown={(event) => event.key === 'Escape' && onClose()}>
      {outOfLine && (
        <input
          data-testid="add-row-key"
          aria-label="Key of the new row, as JSON or as text"
          placeholder={table.autoIncrement ? 'key (JSON or text; empty: the next generated key)' : 'key (JSON or text)'}
          spellcheck={false}
          value={keyText.value}
          onInput={(event) => {
            keyText.set(event.currentTarget.value);
            setError(null);
          }}
        />
      )}
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
        <button type="button" data-testid="row-add" onClick={() => void submit(outOfLine ? addOutOfLine : (value) => rows.add(value))}>
          Add
        </button>
        {/* Out of line, Add already puts at the key typed, only where no row is: Put would be the same. */}
        {!outOfLine && (
          <button type="button" data-testid="row-put" onClick={() => void submit((value) => rows.put(value, null))}>
            Put
          </button>
        )}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  );
}
