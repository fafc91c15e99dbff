/**
 * A value with its toolbar: tree or raw JSON, add at the top level, copy, store as global. Used
 * for states, webstorage keys, rows and cache entries alike (each through its ValueSource).
 */
import { useState } from 'preact/hooks';
import { view } from '../../lib/encoded.js';
import type { ValueSource } from '../../models/value.js';
import { ValueActions } from '../common/ValueActions.js';
import { BlobPreview } from '../database/BlobPreview.js';
import { JsonEditor } from './JsonEditor.js';
import { ValueTree, type Opened } from './ValueTree.js';

export function ValueView({ source }: { source: ValueSource }) {
  const [mode, setMode] = useState<'tree' | 'json'>('tree');
  // Taken when the add opens, as every other editor does: taken at Save, an add typed while the
  // page changed the value was based on the newer version and written over it with no conflict.
  const [adding, setAdding] = useState<Opened | null>(null);
  const root = view(source.value.value, []);
  const editable = source.locked === undefined;
  return (
    <div class="value-view" data-testid="value-view">
      <div class="toolbar">
        <button type="button" class={mode === 'tree' ? 'on' : ''} data-testid="tree-mode" aria-pressed={mode === 'tree'} onClick={() => setMode('tree')}>
          Tree
        </button>
        <button type="button" class={mode === 'json' ? 'on' : ''} data-testid="json-mode" aria-pressed={mode === 'json'} onClick={() => setMode('json')}>
          JSON
        </button>
        {mode === 'tree' && editable && root.container && (
          <button type="button" data-testid="value-add-root" onClick={() => setAdding({ base: source.base(), seen: source.value.peek() })}>
            + Add
          </button>
        )}
        <ValueActions value={source.value.value} path={[]} target={source.ref} />
        {source.locked !== undefined && (
          <span class="note" data-testid="value-locked">
            Read-only: {source.locked}
          </span>
        )}
      </div>
      {mode === 'tree' ? (
        <ValueTree source={source} adding={adding} onAdded={() => setAdding(null)} />
      ) : root.truncated === undefined ? (
        <JsonEditor source={source} onDone={() => setMode('tree')} />
      ) : (
        // The list's preview of a value read whole on select: until the whole value came, raw
        // JSON would show the preview's tagged form, which a save can only be refused for.
        <div class="note" data-testid="json-waiting">
          Reading the whole value…
        </div>
      )}
      <BlobPreview inline />
    </div>
  );
}
