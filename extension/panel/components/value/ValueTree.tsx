/**
 * A value as a tree: the root's children at the top level (a leaf root is one row). Open nodes
 * are remembered per value source, so they survive a new snapshot and a reconnect.
 */
import { pathKey, view } from '../../lib/encoded.js';
import type { Encoded } from '#codec/types.js';
import type { Base, ValueSource } from '../../models/value.js';
import { AddEntry } from './AddEntry.js';
import { ValueNode } from './ValueNode.js';

/** What a top-level add opened on: the version its save is based on, and the value then shown. */
export interface Opened {
  base: Base;
  seen: Encoded;
}

export function ValueTree({ source, adding, onAdded }: { source: ValueSource; adding: Opened | null; onAdded: () => void }) {
  const value = source.value.value;
  const root = view(value, []);
  const editable = source.locked === undefined;
  if (!root.children) {
    return (
      <div class="value-tree" data-testid="value-tree" role="tree">
        <ValueNode source={source} label="(value)" path={[]} value={value} depth={0} parent={undefined} editable={editable} />
      </div>
    );
  }
  const container = root.container;
  return (
    <div class="value-tree" data-testid="value-tree" role="tree">
      {root.children.length === 0 && <div class="empty">{root.preview} (empty)</div>}
      {root.children.map((child) => (
        <ValueNode
          key={pathKey(child.path)}
          source={source}
          label={child.label}
          path={child.path}
          value={child.value}
          depth={0}
          parent={container}
          editable={editable && container !== undefined}
          keyPath={child.keyPath}
        />
      ))}
      {adding && container && editable && (
        <AddEntry
          container={container}
          onCancel={onAdded}
          onAdd={(key, next) => {
            const { base, seen } = adding;
            // The end of the page's list: one too long to show whole holds more than its shown children.
            const end = root.truncated?.size ?? root.children!.length;
            return container === 'object'
              ? source.edit(base, [String(key)], 'insert', next, undefined, seen)
              : source.edit(base, [end], 'insert', container === 'map' ? [key ?? null, next] : next, undefined, seen);
          }}
        />
      )}
    </div>
  );
}
