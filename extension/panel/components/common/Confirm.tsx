/**
 * A destructive button that asks first, inline: the first click shows the question with
 * "Yes" / "No" (no window.confirm: it blocks DevTools), Esc or "No" cancels.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmProps {
  label: string;
  question: string;
  testid: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
}

export function Confirm({ label, question, testid, onConfirm, disabled }: ConfirmProps) {
  const [asking, setAsking] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const yes = useRef<HTMLButtonElement>(null);
  const cancelled = useRef(false);
  // The question takes the focus (so Esc reaches it; `autoFocus` only acts on page load), and
  // Esc or "No" puts it back on the button, not on the page's body.
  useLayoutEffect(() => {
    if (asking) yes.current?.focus();
    else if (cancelled.current) button.current?.focus();
    cancelled.current = false;
  }, [asking]);
  const cancel = () => {
    cancelled.current = true;
    setAsking(false);
  };
  if (!asking) {
    return (
      <button ref={button} type="button" class="danger" data-testid={testid} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" data-testid="confirm" role="alertdialog" aria-label={question} onKeyDown={(event) => event.key === 'Escape' && cancel()}>
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        data-testid="confirm-yes"
        ref={yes}
        onClick={() => {
          setAsking(false);
          void onConfirm();
        }}
      >
        Yes
      </button>
      <button type="button" data-testid="confirm-no" onClick={cancel}>
        No
      </button>
    </span>
  );
}
