/**
 * The snapshot commands of the agent, loaded on the first one (the agent itself stays small).
 * A refusal (SnapshotError) answers `invalid` with its reason in words; nothing was applied.
 */
import { CommandError } from '../../protocol/errors.js';
import type { Handlers } from '../agent/context.js';
import { exportSnapshot } from './export.js';
import { SnapshotError } from '../../snapshot-file/format.js';
import { applyPlan } from './import.js';
import { planImport } from './plan.js';
import { summarize } from './summary.js';
import { Transfers } from './transfers.js';
import { parseSnapshot } from '../../snapshot-file/validate.js';

export type SnapshotCommand = 'snapshotExport' | 'snapshotRead' | 'snapshotWrite' | 'snapshotPreview' | 'snapshotImport' | 'snapshotDiscard';

/** The page's transfers; the agent clears them when the last panel leaves. */
export const transfers = new Transfers();

async function refusing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SnapshotError) throw new CommandError('invalid', error.message);
    throw error;
  }
}

export const snapshotCommands: Handlers<SnapshotCommand> = {
  async snapshotExport() {
    return transfers.hold(JSON.stringify(await exportSnapshot()));
  },

  snapshotRead({ transfer, offset, length }) {
    return transfers.read(transfer, offset, length);
  },

  snapshotWrite({ transfer, offset, text, size }) {
    return transfers.write(transfer, offset, text, size);
  },

  snapshotPreview({ transfer, strict }) {
    return refusing(async () => summarize(await planImport(parseSnapshot(transfers.text(transfer)), { strict: strict === true }), false));
  },

  snapshotImport({ transfer, strict }, context) {
    return refusing(async () => {
      const plan = await planImport(parseSnapshot(transfers.text(transfer)), { strict: strict === true });
      await applyPlan(plan, { label: context.label });
      return summarize(plan, true);
    });
  },

  snapshotDiscard({ transfer }) {
    return { discarded: transfers.discard(transfer) };
  },
};
