/**
 * Recording in the panel (issue 23): start and stop a recording of the page (a banner when the
 * byte budget stopped it), keep the file, replay it into the page change by change (step, play,
 * pause, go to change N), write it as a vitest test ("Copy as test"), and rehearse the app's
 * migration on a snapshot taken at an older schema version. Files cross as text in pieces, as
 * snapshots do; the page holds a recording being replayed as a transfer, sent again when it
 * forgot it (transfers go after 60 s unused).
 */
import { signal } from '@preact/signals';
import { parseRecording, type RecordingFile } from '#snapshot-file/recording.js';
import { parseSnapshot } from '#snapshot-file/validate.js';
import { testFromRecording } from '#snapshot-file/test-file.js';
import type { SnapshotDifference } from '#protocol/values.js';
import { CommandError } from '#protocol/errors.js';
import { Command, MAX_SNAPSHOT_CHUNK, type RecordStatus } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Ui } from './ui.js';

export interface LoadedRecording {
  name: string;
  text: string;
  file: RecordingFile;
  /** Changes applied from the start by the replay, or null: the page is not on the replay's path. */
  position: number | null;
}

export interface Rehearsal {
  database: string;
  from: number;
  to: number;
  ok: boolean;
  differences?: SnapshotDifference[];
  error?: { name: string; message: string };
  row?: { table: string; op: string; key: unknown; value: unknown };
  rolledBack?: boolean;
}

export type RehearsalView = { name: string; running: true } | { name: string; running: false; rehearsals?: Rehearsal[]; error?: string };

const POLL_MS = 500;
const PLAY_MS = 300;

function words(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RecordingModel {
  readonly status = signal<RecordStatus | null>(null);
  readonly recording = signal<LoadedRecording | null>(null);
  readonly playing = signal(false);
  readonly busy = signal(false);
  readonly rehearsal = signal<RehearsalView | null>(null);
  private _poll: ReturnType<typeof setInterval> | undefined;
  private _transfer: string | null = null;

  constructor(
    private readonly _connection: Connection,
    private readonly _ui: Ui,
  ) {}

  /** Starts recording; `budget` in characters (default the page's, 16 MiB). */
  async start(budget?: number): Promise<void> {
    try {
      this.status.value = await this._connection.request(Command.recordStart, { trace: this._connection.trace, ...(budget !== undefined && { budget }) });
      clearInterval(this._poll);
      this._poll = setInterval(() => void this._refresh(), POLL_MS);
    } catch (error) {
      this._ui.fail(new Error(`Recording could not start: ${words(error)}`));
    }
  }

  private async _refresh(): Promise<void> {
    try {
      this.status.value = await this._connection.request(Command.recordStatus, {});
    } catch (error) {
      clearInterval(this._poll);
      this._ui.fail(new Error(`The page stopped answering about its recording: ${words(error)}`));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this._poll);
    this.busy.value = true;
    try {
      const { transfer, size } = await this._connection.request(Command.recordStop, {});
      const text = await this._pull(transfer, size);
      const file = parseRecording(text);
      this.status.value = null;
      this._forget();
      // The page is where the recording ended.
      this.recording.value = { name: `stratum-recording-${file.createdAt.replace(/[:.]/g, '-')}.json`, text, file, position: file.changes.length };
    } catch (error) {
      this._ui.fail(new Error(`Recording could not be saved: ${words(error)}`));
    } finally {
      this.busy.value = false;
    }
  }

  /** A recording file picked by the user; refused in words when newer, truncated or malformed. */
  load(name: string, text: string): void {
    try {
      const file = parseRecording(text);
      this.pause();
      this._forget();
      this.recording.value = { name, text, file, position: null };
    } catch (error) {
      this._ui.fail(new Error(`${name} cannot be replayed: ${words(error)}`));
    }
  }

  /** Brings the page to change `to` (0: the starting snapshot). */
  async goTo(to: number): Promise<boolean> {
    const loaded = this.recording.peek();
    if (!loaded || this.busy.peek()) return false;
    this.busy.value = true;
    try {
      const from = loaded.position ?? 0;
      const answer = await this._apply(loaded, from, to);
      this.recording.value = { ...loaded, position: answer.position };
      if (answer.skipped > 0) this._ui.notify(`${answer.skipped} changes were skipped: the page has no such state, namespace or database`);
      return true;
    } catch (error) {
      this.pause();
      this.recording.value = { ...loaded, position: null };
      this._ui.fail(new Error(`Replay refused: ${words(error)}`));
      return false;
    } finally {
      this.busy.value = false;
    }
  }

  step(): Promise<boolean> {
    const loaded = this.recording.peek();
    return this.goTo(loaded?.position === null || !loaded ? 1 : loaded.position + 1);
  }

  play(): void {
    const loaded = this.recording.peek();
    if (!loaded || this.playing.peek()) return;
    this.playing.value = true;
    const next = async () => {
      const current = this.recording.peek();
      if (!this.playing.peek() || !current) return;
      if (current.position !== null && current.position >= current.file.changes.length) return this.pause();
      if (!(await this.step())) return;
      setTimeout(() => void next(), PLAY_MS);
    };
    void next();
  }

  pause(): void {
    this.playing.value = false;
  }

  /** The recording as a vitest test file that replays it and asserts its end. */
  testFile(): { name: string; text: string } | undefined {
    const loaded = this.recording.peek();
    if (!loaded) return undefined;
    return { name: loaded.name.replace(/\.json$/, '') + '.test.ts', text: testFromRecording(loaded.file) };
  }

  /** Runs the app's current upgrade on a throw-away copy of `text` (a snapshot at an older version). */
  async rehearse(name: string, text: string): Promise<void> {
    try {
      parseSnapshot(text);
    } catch (error) {
      this.rehearsal.value = { name, running: false, error: words(error) };
      return;
    }
    this.rehearsal.value = { name, running: true };
    let transfer: string | undefined;
    try {
      transfer = await this._push(text);
      const answer = await this._connection.request(Command.rehearseUpgrade, { transfer });
      const result = JSON.parse(await this._pull(answer.transfer, answer.size)) as { rehearsals: Rehearsal[] };
      this.rehearsal.value = { name, running: false, rehearsals: result.rehearsals };
    } catch (error) {
      this.rehearsal.value = { name, running: false, error: words(error) };
    } finally {
      if (transfer !== undefined) this._discard(transfer);
    }
  }

  private async _apply(loaded: LoadedRecording, from: number, to: number) {
    for (let attempt = 0; ; attempt++) {
      this._transfer ??= await this._push(loaded.text);
      try {
        return await this._connection.request(Command.replayApply, { transfer: this._transfer, from, to });
      } catch (error) {
        // The page forgot the transfer (idle, or reconnected): send it again, once.
        if (attempt > 0 || !(error instanceof CommandError) || error.code !== 'not-found') throw error;
        this._transfer = null;
      }
    }
  }

  private _forget(): void {
    if (this._transfer !== null) this._discard(this._transfer);
    this._transfer = null;
  }

  private async _push(text: string): Promise<string> {
    let transfer: string | null = null;
    for (let offset = 0; offset < text.length || transfer === null; ) {
      let end = Math.min(text.length, offset + MAX_SNAPSHOT_CHUNK);
      if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
      ({ transfer } = await this._connection.request(Command.snapshotWrite, { transfer, offset, text: text.slice(offset, end), size: text.length }));
      offset = end;
      if (text.length === 0) break;
    }
    return transfer;
  }

  private async _pull(transfer: string, size: number): Promise<string> {
    let text = '';
    try {
      while (text.length < size) {
        const piece = await this._connection.request(Command.snapshotRead, { transfer, offset: text.length, length: MAX_SNAPSHOT_CHUNK });
        if (piece.text.length === 0) throw new Error(`the page's transfer ended at ${text.length} of ${size} characters`);
        text += piece.text;
      }
      return text;
    } finally {
      this._discard(transfer);
    }
  }

  private _discard(transfer: string): void {
    this._connection.request(Command.snapshotDiscard, { transfer }).catch((error: unknown) => console.warn('stratum panel: a transfer was not discarded', error));
  }
}
