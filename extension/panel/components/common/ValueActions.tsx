/**
 * Copy value, copy path (both as JSON) and "store as global" (`$stratum` in the page's console,
 * set by the agent: no eval). The value copied is the codec's tagged JSON, which pastes back
 * into the JSON editor with its types intact.
 */
import type { Encoded, Path } from '#codec/types.js';
import { Command, type ValueRef } from '#protocol/messages.js';
import { copyText } from '../../lib/clipboard.js';
import { usePanel } from '../context.js';

export interface ValueActionsProps {
  value: Encoded;
  path: Path;
  target?: ValueRef | undefined;
}

export function ValueActions({ value, path, target }: ValueActionsProps) {
  const panel = usePanel();
  const copy = (text: string, what: string) =>
    copyText(text).then(
      () => panel.ui.notify(`Copied ${what}`),
      (error: unknown) => panel.ui.fail(error),
    );
  const storeAsGlobal = async () => {
    if (!target) return;
    const done = await panel.ui.run(() => panel.connection.request(Command.storeAsGlobal, { target, path }));
    if (done) panel.ui.notify(`Stored as ${done.name} in the page's console`);
  };
  return (
    <span class="actions">
      <button type="button" class="icon" data-testid="copy-value" title="Copy value as JSON" onClick={() => void copy(JSON.stringify(value, null, 2), 'the value')}>
        copy
      </button>
      <button type="button" class="icon" data-testid="copy-path" title="Copy path as JSON" onClick={() => void copy(JSON.stringify(path), 'the path')}>
        path
      </button>
      {target && (
        <button type="button" class="icon" data-testid="store-global" title="Store as global variable ($stratum)" onClick={() => void storeAsGlobal()}>
          $
        </button>
      )}
    </span>
  );
}
