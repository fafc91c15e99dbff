/**
 * What the panel shows about itself: the tab, a toast for errors and confirmations, and the one
 * pending conflict. `run` is how every command is sent from a model: errors become a toast in the
 * agent's words, and a `conflict` becomes the banner that offers reload or overwrite.
 */
import { signal } from '@preact/signals';
import { CommandError } from '#protocol/errors.js';
import type { Current } from '#protocol/messages.js';

export type Tab = 'state' | 'storage' | 'database' | 'timeline' | 'search' | 'simulate' | 'budget' | 'record';
export const TABS: Tab[] = ['state', 'storage', 'database', 'timeline', 'search', 'simulate', 'budget', 'record'];

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface Conflict {
  /** What was edited, in words: `state "user"`, `key "theme"`, `row 5 of "notes"`. */
  what: string;
  message: string;
  current: Current;
  /** Writes the edit again over `current` (its version or hash). */
  overwrite(): Promise<void>;
  /** Why overwriting is not offered (the edit would land elsewhere), when it is not. */
  noOverwrite?: string;
  /** Drops the edit and shows `current`. */
  reload(): void;
}

/** How a model resolves a conflict for one edit: retry over a base, or adopt the current value. */
export interface OnConflict {
  what: string;
  overwrite(base: Current['version']): Promise<unknown>;
  reload(current: Current): void;
  /** Why the edit cannot be written over `current` as it is, in words; undefined when it can. */
  refuseOverwrite?(current: Current): string | undefined;
}

export class Ui {
  readonly tab = signal<Tab>('state');
  readonly toast = signal<Toast | null>(null);
  readonly conflict = signal<Conflict | null>(null);
  private _toasts = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  notify(text: string, kind: Toast['kind'] = 'info'): void {
    const toast = { id: ++this._toasts, kind, text };
    this.toast.value = toast;
    clearTimeout(this._timer);
    // Errors stay until dismissed or replaced: they explain why an edit did not happen.
    if (kind === 'info') this._timer = setTimeout(() => this.toast.value === toast && (this.toast.value = null), 3000);
  }

  fail(error: unknown): void {
    this.notify(error instanceof Error ? error.message : String(error), 'error');
  }

  /** Runs a command; resolves with its result, or undefined once the failure is shown. */
  async run<T>(command: () => Promise<T>, onConflict?: OnConflict): Promise<T | undefined> {
    try {
      const result = await command();
      return result;
    } catch (error) {
      if (error instanceof CommandError && error.code === 'conflict' && error.current && onConflict) {
        this._showConflict(error, error.current, onConflict);
      } else this.fail(error);
      return undefined;
    }
  }

  dispose(): void {
    clearTimeout(this._timer);
  }

  private _showConflict(error: CommandError, current: Current, onConflict: OnConflict): void {
    const noOverwrite = onConflict.refuseOverwrite?.(current);
    const conflict: Conflict = {
      ...(noOverwrite !== undefined && { noOverwrite }),
      what: onConflict.what,
      message: error.message,
      current,
      overwrite: async () => {
        this.conflict.value = null;
        if (noOverwrite !== undefined) return this.fail(new Error(noOverwrite));
        const done = await this.run(() => onConflict.overwrite(current.version), onConflict);
        if (done !== undefined) this.notify(`${onConflict.what}: overwritten`);
      },
      reload: () => {
        this.conflict.value = null;
        onConflict.reload(current);
      },
    };
    this.conflict.value = conflict;
  }
}
