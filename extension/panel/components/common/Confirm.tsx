/**
 * A destructive button that asks first, inline: the first click shows the question with
 * "Yes" / "No" (no window.confirm: it blocks DevTools), Esc or "No" cancels.
 */
import { useState } from 'preact/hooks';

export interface ConfirmProps {
  label: string;
  question: string;
  testid: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
}

export function Confirm({ label, question, testid, onConfirm, disabled }: ConfirmProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger" data-testid={testid} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" data-testid="confirm" role="alertdialog" onKeyDown={(event) => event.key === 'Escape' && setAsking(false)}>
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        data-testid="confirm-yes"
        autoFocus
        onClick={() => {
          setAsking(false);
          void onConfirm();
        }}
      >
        Yes
      </button>
      <button type="button" data-testid="confirm-no" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
