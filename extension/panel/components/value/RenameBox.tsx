/** Renames a key in place: Enter applies, Esc cancels. */
import { useDraft } from '../common/useDraft.js';

export function RenameBox({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => Promise<boolean>; onCancel: () => void }) {
  const text = useDraft(initial);
  return (
    <input
      type="text"
      class="rename"
      data-testid="rename-input"
      aria-label="New key name"
      value={text.value}
      autoFocus
      onInput={(event) => text.set(event.currentTarget.value)}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Escape') onCancel();
        if (event.key === 'Enter' && text.current !== '' && text.current !== initial) void onSave(text.current).then((applied) => applied && onCancel());
      }}
    />
  );
}
