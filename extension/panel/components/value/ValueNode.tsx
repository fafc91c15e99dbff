/**
 * One node of the value tree: its key, a preview (always text: page strings never become markup),
 * and what can be done to it — edit in place (Enter), rename, remove, add inside, expand a cut
 * part, preview a blob, copy, store as global. Keyboard: Enter edits, Esc cancels, → opens, ← closes.
 */
import { useRef, useState } from 'preact/hooks';
import type { Encoded, Path } from '#codec/types.js';
import { isRedacted, pathKey, view, type Child, type ContainerType, type NodeView } from '../../lib/encoded.js';
import { groups, isCutSparse } from '../../lib/pages.js';
import { parseKey } from '../../lib/leaf.js';
import type { Base, ValueSource } from '../../models/value.js';
import { ValueActions } from '../common/ValueActions.js';
import { usePanel } from '../context.js';
import { AddEntry } from './AddEntry.js';
import { LeafEditor } from './LeafEditor.js';
import { RenameBox } from './RenameBox.js';
import { Icon } from '../common/Icon.js';

export interface ValueNodeProps {
  source: ValueSource;
  label: string;
  path: Path;
  value: Encoded;
  depth: number;
  /** The container this node sits in, when path edits may add/remove/rename in it. */
  parent: ContainerType | undefined;
  /** Path edits are allowed here (false inside class instances, errors, cut parts). */
  editable: boolean;
  /** For a Map entry's value: the path of its key. */
  keyPath?: Path | undefined;
  /** For a Map entry's value: its key, whole and typed. */
  mapKey?: Encoded | undefined;
}

type Mode = 'view' | 'edit' | 'rename' | 'add';

export function ValueNode({ source, label, path, value, depth, parent, editable, keyPath, mapKey }: ValueNodeProps) {
  const panel = usePanel();
  const [mode, setMode] = useState<Mode>('view');
  const base = useRef<Base>(null);
  // The value the editor opened on: an index in the path means a position in it.
  const seen = useRef<Encoded | undefined>(undefined);
  const node = view(value, path);
  const redacted = isRedacted(path, source.redacted.value);
  const canEdit = editable && !redacted && source.locked === undefined;
  const open = node.children !== undefined && panel.expanded.has(source.key, path);
  const begin = (next: Mode) => {
    base.current = source.base();
    seen.current = source.value.peek();
    setMode(next);
  };
  const close = () => setMode('view');
  const edit = (at: Path, op: 'set' | 'delete' | 'insert' | 'rename', next?: Encoded, to?: string) => source.edit(base.current, at, op, next, to, seen.current);
  const removePath = keyPath ? keyPath.slice(0, -1) : path;
  const locked = redacted ? 'redacted by configureDevtools({ redact })' : (source.locked ?? node.locked);

  const keys = (event: KeyboardEvent) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' && canEdit && node.editor) {
      event.preventDefault();
      begin('edit');
    } else if (event.key === 'Escape') close();
    else if (event.key === 'ArrowRight' && node.children) panel.expanded.toggle(source.key, path, true);
    else if (event.key === 'ArrowLeft' && node.children) panel.expanded.toggle(source.key, path, false);
  };

  const rename = async (text: string): Promise<boolean> => {
    if (keyPath) {
      const parsed = parseKey(text);
      if (!parsed.ok) return false;
      return edit(keyPath, 'set', parsed.value);
    }
    return edit(path, 'rename', undefined, text);
  };

  return (
    <div class="value-node" role="treeitem" aria-expanded={node.children ? open : undefined}>
      <div
        class={`node-row${redacted ? ' redacted' : ''}`}
        data-testid="value-node"
        data-path={pathKey(path)}
        data-type={node.type}
        tabIndex={0}
        style={{ paddingLeft: `${depth * 14 + 4}px` }}
        onKeyDown={keys}
        onDblClick={() => canEdit && node.editor && begin('edit')}
      >
        {node.children ? (
          <button type="button" class="toggle" data-testid="value-toggle" aria-label={open ? 'Collapse' : 'Expand'} onClick={() => panel.expanded.toggle(source.key, path)}>
            <Icon name={open ? 'chevron-down' : 'chevron-right'} />
          </button>
        ) : (
          <span class="toggle" />
        )}
        {mode === 'rename' ? (
          // A Map key starts as its whole tagged JSON, which parseKey reads back as the same type:
          // the label is a preview (a Date as bare text, a long string cut with …).
          <RenameBox initial={keyPath ? JSON.stringify(mapKey ?? null) : label} onSave={rename} onCancel={close} />
        ) : (
          <span class="key" data-testid="value-key">
            {label}
          </span>
        )}
        <span class="colon">:</span>
        {mode === 'edit' && node.editor ? (
          <LeafEditor value={value} type={node.editor} onSave={(next) => edit(path, 'set', next)} onCancel={close} />
        ) : (
          <span class={`preview t-${node.type.replace(/\W/g, '')}`} data-testid="value-preview" title={locked}>
            {redacted ? '[redacted]' : node.preview}
          </span>
        )}
        {mode === 'view' && (
          <span class="node-actions">
            {canEdit && node.editor && (
              <button type="button" class="icon" data-testid="value-edit" title="Edit (Enter)" onClick={() => begin('edit')}>
                edit
              </button>
            )}
            {canEdit && (parent === 'object' || parent === 'map') && (
              <button type="button" class="icon" data-testid="value-rename" title="Rename key" onClick={() => begin('rename')}>
                rename
              </button>
            )}
            {canEdit && node.container && (
              <button type="button" class="icon" data-testid="value-add" title="Add inside" onClick={() => (panel.expanded.toggle(source.key, path, true), begin('add'))}>
                +
              </button>
            )}
            {canEdit && parent !== undefined && (
              <button type="button" class="icon" data-testid="value-remove" title="Remove" aria-label="Remove" onClick={() => ((base.current = source.base()), (seen.current = source.value.peek()), void edit(removePath, 'delete'))}>
                <Icon name="close" />
              </button>
            )}
            {node.truncated && !node.children && !pageable(node) && source.expand && (
              <button type="button" class="link" data-testid="value-expand" onClick={() => void source.expand!(node.truncated!.path)}>
                load all
              </button>
            )}
            {node.truncated && pageable(node) && source.expand && (
              <button type="button" class="link" data-testid="value-more" title="Read the next part from the page" onClick={() => void source.expand!(path, true)}>
                show more ({shownCount(value, node)} of {node.truncated.size})
              </button>
            )}
            {node.blob && (
              <button
                type="button"
                class="link"
                data-testid="value-blob"
                onClick={() => void panel.database.blobs.showPreview({ database: 0, id: node.blob!.ref, type: node.blob!.type, size: node.blob!.size, ...(node.blob!.name !== undefined && { name: node.blob!.name }) })}
              >
                preview
              </button>
            )}
            {!redacted && <ValueActions value={value} path={path} target={source.ref} />}
          </span>
        )}
      </div>
      {mode === 'add' && node.container && (
        <div style={{ paddingLeft: `${(depth + 1) * 14 + 4}px` }}>
          <AddEntry
            container={node.container}
            onCancel={close}
            onAdd={(key, next) =>
              node.container === 'object'
                ? edit([...path, String(key)], 'insert', next)
                : edit([...path, node.truncated?.size ?? node.children?.length ?? 0], 'insert', node.container === 'map' ? [key ?? null, next] : next)
            }
          />
        </div>
      )}
      {open && !redacted && <Children source={source} node={node} path={path} depth={depth + 1} editable={editable && node.container !== undefined} />}
    </div>
  );
}

/**
 * Whether "show more" pages a cut node in: a string, a container cut by length (it shows its
 * first entries), a typed array or buffer. A container cut by depth shows nothing yet: "load all"
 * encodes it again from its path, with fresh limits.
 */
function pageable(node: NodeView): boolean {
  if (node.type === 'string' || node.children) return true;
  return !['object', 'instance', 'error', 'array', 'map', 'set'].includes(node.type);
}

/** Characters or items of a cut node the panel holds. */
function shownCount(value: Encoded, node: NodeView): number {
  if (node.type === 'string') return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value['v'] === 'string' ? value['v'].length : 0;
  // A far sparse array's children are its items and the runs of holes between them: count the items.
  if (isCutSparse(value)) return Array.isArray(value.v) ? value.v.length : 0;
  return node.children?.length ?? 0;
}

interface ChildrenProps {
  source: ValueSource;
  node: NodeView;
  path: Path;
  depth: number;
  editable: boolean;
}

/** A node's children; a long list in groups of 100 as Chrome's console shows them ("[0 … 99]"). */
function Children({ source, node, path, depth, editable }: ChildrenProps) {
  const panel = usePanel();
  const children = node.children!;
  const rows = (list: Child[], at: number) =>
    list.map((child) => (
      <ValueNode
        key={pathKey(child.path)}
        source={source}
        label={child.label}
        path={child.path}
        value={child.value}
        depth={at}
        parent={node.container}
        editable={editable}
        keyPath={child.keyPath}
        mapKey={child.key}
      />
    ));
  const ranges = node.container === 'object' ? [] : groups(children.length);
  if (ranges.length === 0) return <>{rows(children, depth)}</>;
  return (
    <>
      {ranges.map((range) => {
        // A group's open state sits under a path no value has: a string step inside a list.
        const groupPath = [...path, range.label];
        const open = panel.expanded.has(source.key, groupPath);
        return (
          <div class="value-node" role="treeitem" aria-expanded={open} key={range.label}>
            <div class="node-row" data-testid="value-group" data-range={range.label} style={{ paddingLeft: `${depth * 14 + 4}px` }}>
              <button type="button" class="toggle" aria-label={open ? 'Collapse' : 'Expand'} onClick={() => panel.expanded.toggle(source.key, groupPath)}>
                {open ? '▾' : '▸'}
              </button>
              <span class="key">{range.label}</span>
            </div>
            {open && rows(children.slice(range.from, range.to + 1), depth + 1)}
          </div>
        );
      })}
    </>
  );
}
