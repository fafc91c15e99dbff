/** The one message line: what failed and why (stays until dismissed), or what was done (fades). */
import { usePanel } from '../context.js';
import { Icon } from './Icon.js';

export function Toast() {
  const { ui } = usePanel();
  const toast = ui.toast.value;
  if (!toast) return null;
  return (
    <div class={`toast ${toast.kind}`} data-testid="toast" data-kind={toast.kind} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <span data-testid="toast-text">{toast.text}</span>
      <button type="button" class="icon" data-testid="toast-close" title="Dismiss" aria-label="Dismiss" onClick={() => (ui.toast.value = null)}>
        <Icon name="close" />
      </button>
    </div>
  );
}
