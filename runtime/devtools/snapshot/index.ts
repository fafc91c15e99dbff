export { diff } from '../../snapshot-file/diff.js';
export type { Difference } from '../../snapshot-file/diff.js';
export { exportSnapshot } from './export.js';
export { importSnapshot, previewSnapshot } from './import.js';
export type { ApplyHooks } from './import.js';
export type { ImportOptions } from './plan.js';
export { checkSnapshot, parseSnapshot } from '../../snapshot-file/validate.js';
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SnapshotError } from '../../snapshot-file/format.js';
export type {
  RefusalReason,
  SnapshotBlob,
  SnapshotCacheEntry,
  SnapshotDatabase,
  SnapshotFile,
  SnapshotRow,
  SnapshotSchema,
  SnapshotState,
  SnapshotStore,
  SnapshotTable,
  SnapshotWebstorage,
  SnapshotWebstorageEntry,
} from '../../snapshot-file/format.js';
export type { SnapshotCounts, SnapshotDifference, SnapshotSummary } from '../../protocol/values.js';
