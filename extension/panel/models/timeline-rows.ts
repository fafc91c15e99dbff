/**
 * A database change names its rows but does not carry them (DESIGN.md: rows are pulled, never
 * pushed), so the timeline reads the rows of a small change (MAX_ROW_READS) right after it
 * arrives, to hold their values for a restore. What it learns is the row as it was when read,
 * a moment after the change: a later change may already be in it (its own delta then names the
 * same value). A bigger change is only listed, and its rows cannot be restored from the timeline.
 */
import { Command } from '#protocol/messages.js';
import type { Connection } from './connection.js';
import type { Held } from './timeline-events.js';

/** Rows of `held` still waiting to be read. */
function pending(held: Held[] | undefined): Held[] {
  return (held ?? []).filter((item) => item.subject.kind === 'row' && item.gone !== true && item.unknown === undefined && item.value === undefined);
}

export function hasRowsToRead(held: Held[] | undefined): boolean {
  return pending(held).length > 0;
}

/** Reads each pending row by its key; fills in its value and hash, or why it is not known. */
export async function readRows(connection: Connection, held: Held[] | undefined): Promise<void> {
  await Promise.all(
    pending(held).map(async (item) => {
      if (item.subject.kind !== 'row') return;
      const { database, table, key } = item.subject;
      try {
        const page = await connection.request(Command.dbQuery, { database, table, range: { eq: key }, limit: 1 });
        const row = page.rows[0];
        if (!row) {
          item.unknown = 'not read: the row was already gone when the timeline read it';
          return;
        }
        item.value = row.value;
        item.hash = row.hash;
        item.redacted = row.redacted;
      } catch (error) {
        item.unknown = `not read: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
}
