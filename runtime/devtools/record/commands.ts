/**
 * The recording commands of the agent, loaded on the first one: record (start, status, stop: the
 * file is held as a transfer and pulled with snapshotRead), replay (a recording sent with
 * snapshotWrite, brought to change N) and the migration rehearsal (a snapshot sent the same way;
 * the answer is a transfer of JSON). A refusal (SnapshotError) answers `invalid` in words.
 */
import { CommandError } from '../../protocol/errors.js';
import { SnapshotError } from '../../snapshot-file/format.js';
import { DEFAULT_RECORDING_BUDGET, parseRecording } from '../../snapshot-file/recording.js';
import { parseSnapshot } from '../../snapshot-file/validate.js';
import type { Handlers } from '../agent/context.js';
import { transfers } from '../snapshot/commands.js';
import { Recorder } from './recorder.js';
import { rehearseUpgrade } from './rehearse.js';
import { replayTo } from './replay.js';

export type RecordCommand = 'recordStart' | 'recordStatus' | 'recordStop' | 'replayApply' | 'rehearseUpgrade';

/** One recording per page at a time (every panel sees the same one). */
let recorder: Recorder | undefined;

/** The last panel left: the recording is dropped (nothing would read it). */
export function dropRecording(): void {
  recorder?.cancel();
  recorder = undefined;
}

async function refusing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SnapshotError) throw new CommandError('invalid', error.message);
    throw error;
  }
}

export const recordCommands: Handlers<RecordCommand> = {
  recordStart({ budget, trace }) {
    if (recorder) throw new CommandError('conflict', 'a recording is already running on this page: stop it first');
    recorder = new Recorder(budget ?? DEFAULT_RECORDING_BUDGET, trace === true);
    return recorder.status();
  },

  recordStatus() {
    return recorder?.status() ?? { recording: false, changes: 0, bytes: 0, budget: 0, stopped: null };
  },

  async recordStop() {
    const running = recorder;
    if (!running) throw new CommandError('not-found', 'nothing is being recorded on this page');
    recorder = undefined;
    const file = await running.finish();
    return { ...transfers.hold(JSON.stringify(file)), changes: file.changes.length, stopped: file.stopped };
  },

  replayApply({ transfer, from, to }, context) {
    return refusing(async () => replayTo(parseRecording(transfers.text(transfer)), from, to, { label: context.label }));
  },

  rehearseUpgrade({ transfer, database }) {
    return refusing(async () => transfers.hold(JSON.stringify(await rehearseUpgrade(parseSnapshot(transfers.text(transfer)), database))));
  },
};
