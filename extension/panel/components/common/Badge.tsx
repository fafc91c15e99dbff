/** A small label: `ok` green, `bad` red, `note` grey. */
import type { ComponentChildren } from 'preact';

export function Badge({ tone = 'note', testid, title, children }: { tone?: 'ok' | 'bad' | 'note' | 'info'; testid?: string; title?: string; children: ComponentChildren }) {
  return (
    <span class={`badge ${tone}`} data-testid={testid} title={title}>
      {children}
    </span>
  );
}
