/**
 * The inline, type-aware editor: a type picker (string, number, boolean, null, bigint, date,
 * undefined, raw JSON) and one input. Enter saves, Esc cancels; an input that does not parse
 * says why under the field and sends nothing.
 */
import { useState } from 'preact/hooks';
import { useDraft } from '../common/useDraft.js';
import type { Encoded } from '#codec/types.js';
import { LEAF_TYPES, type LeafType } from '../../lib/encoded.js';
import { leafText, parseLeaf } from '../../lib/leaf.js';

export interface LeafEditorProps {
  value: Encoded;
  type: LeafType;
  /** Resolves true when applied (the editor closes), false when refused (it stays open). */
  onSave: (value: Encoded) => Promise<boolean>;
  onCancel: () => void;
}

export function LeafEditor({ value, type: initial, onSave, onCancel }: LeafEditorProps) {
  const type = useDraft<LeafType>(initial);
  const text = useDraft(() => leafText(initial, value));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const parsed = parseLeaf(type.current, text.current);
    if (!parsed.ok) return setError(parsed.reason);
    setError(null);
    setBusy(true);
    const applied = await onSave(parsed.value);
    setBusy(false);
    if (applied) onCancel();
  };
  const keys = (event: KeyboardEvent) => {
    event.stopPropagation();
    if (event.key === 'Escape') onCancel();
    else if (event.key === 'Enter' && !(event.target instanceof HTMLTextAreaElement && !event.ctrlKey && !event.metaKey)) {
      event.preventDefault();
      void save();
    }
  };
  const retype = (next: LeafType) => {
    type.set(next);
    text.set(leafText(next, value));
    setError(null);
  };

  return (
    <span class="leaf-editor" data-testid="value-editor" onKeyDown={keys}>
      <select data-testid="value-type" aria-label="Type" value={type.value} onChange={(event) => retype(event.currentTarget.value as LeafType)}>
        {LEAF_TYPES.map((option) => (
          <option value={option}>{option}</option>
        ))}
      </select>
      {type.value === 'boolean' ? (
        <select data-testid="value-input" aria-label="Value" value={text.value} autoFocus onChange={(event) => text.set(event.currentTarget.value)}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : type.value === 'null' || type.value === 'undefined' ? null : type.value === 'json' ? (
        <textarea data-testid="value-input" aria-label="Value (JSON)" rows={Math.min(8, text.value.split('\n').length)} value={text.value} autoFocus onInput={(event) => text.set(event.currentTarget.value)} />
      ) : (
        <input data-testid="value-input" aria-label="Value" type="text" value={text.value} autoFocus onInput={(event) => text.set(event.currentTarget.value)} />
      )}
      <button type="button" data-testid="value-save" disabled={busy} onClick={() => void save()}>
        Save
      </button>
      <button type="button" data-testid="value-cancel" onClick={onCancel}>
        Cancel
      </button>
      {error !== null && (
        <span class="error" data-testid="value-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
