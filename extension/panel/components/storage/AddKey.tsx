/** A new key: name and value. A key that exists already is a conflict (reload or overwrite). */
import { useState } from 'preact/hooks';
import type { StorageItem } from '../../models/storage.js';
import { usePanel } from '../context.js';
import { LeafEditor } from '../value/LeafEditor.js';
import { useDraft } from '../common/useDraft.js';

export function AddKey({ item, onClose }: { item: StorageItem; onClose: () => void }) {
  const { storage } = usePanel();
  const key = useDraft<string>('');
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="add-entry" data-testid="key-add-form">
      <input
        type="text"
        data-testid="key-add-name"
        aria-label="Key"
        placeholder="key"
        value={key.value}
        autoFocus
        onInput={(event) => {
          key.set(event.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(event) => event.key === 'Escape' && onClose()}
      />
      <LeafEditor
        value=""
        type="string"
        onCancel={onClose}
        onSave={async (value) => {
          if (key.current === '') {
            setError('a key needs a name');
            return false;
          }
          return storage.set(item, key.current, value, null);
        }}
      />
      {error !== null && (
        <span class="error" data-testid="key-add-error">
          {error}
        </span>
      )}
    </div>
  );
}
