/**
 * Adds a key (object), an item (array, Set: appended) or an entry (Map: key and value) inside a
 * container. The key box reads JSON for Map keys (`5`, `"5"`), plain text for object keys.
 */
import { useState } from 'preact/hooks';
import type { Encoded } from '#codec/types.js';
import type { ContainerType } from '../../lib/encoded.js';
import { parseKey } from '../../lib/leaf.js';
import { LeafEditor } from './LeafEditor.js';
import { useDraft } from '../common/useDraft.js';

export interface AddEntryProps {
  container: ContainerType;
  onAdd: (key: string | Encoded | undefined, value: Encoded) => Promise<boolean>;
  onCancel: () => void;
}

export function AddEntry({ container, onAdd, onCancel }: AddEntryProps) {
  const key = useDraft<string>('');
  const [error, setError] = useState<string | null>(null);
  const needsKey = container === 'object' || container === 'map';

  const add = async (value: Encoded): Promise<boolean> => {
    if (!needsKey) return onAdd(undefined, value);
    if (key.current === '') {
      setError('a key needs a name');
      return false;
    }
    if (container === 'object') return onAdd(key.current, value);
    const parsed = parseKey(key.current);
    if (!parsed.ok) {
      setError(parsed.reason);
      return false;
    }
    return onAdd(parsed.value, value);
  };
  return (
    <div class="add-entry" data-testid="add-entry">
      {needsKey && (
        <input
          type="text"
          data-testid="add-key"
          aria-label="New key"
          placeholder={container === 'map' ? 'key (JSON or text)' : 'key'}
          value={key.value}
          autoFocus
          onInput={(event) => {
            key.set(event.currentTarget.value);
            setError(null);
          }}
          onKeyDown={(event) => event.key === 'Escape' && onCancel()}
        />
      )}
      <LeafEditor value="" type="string" onSave={add} onCancel={onCancel} />
      {error !== null && (
        <span class="error" data-testid="add-error">
          {error}
        </span>
      )}
    </div>
  );
}
