/**
 * Writes a page had not finished when it went away are rolled back, not half kept. Firefox commits
 * the requests a closing tab's transaction had already issued: one close in 30, in the middle of
 * a transaction of 2,000 puts, kept 760 of them. On `pagehide` every write transaction whose
 * function has not returned is aborted; an abort is honoured by every engine.
 */
/** Each write under way, with when it began (performance.now(), the clock of an event's timeStamp). */
const unfinished = new Map<IDBTransaction, number>();

// Only a document has a page to leave; a worker or Node has no pagehide.
if (typeof document === 'object') {
  addEventListener('pagehide', (event) => {
    // A page going into the back-forward cache lives on; its transactions go on when it comes back.
    if (event.persisted) return;
    for (const [tx, began] of unfinished) {
      // A write the app starts in its own pagehide listener (saving a draft as the page goes, the
      // usual place for it) is what it wants kept: only writes older than the event are undone.
      if (began >= event.timeStamp) continue;
      try {
        tx.abort();
      } catch (error) {
        // InvalidStateError: it committed or failed in the meantime; there is nothing to undo.
        if ((error as Error).name !== 'InvalidStateError') throw error;
      }
    }
  });
}

/** Holds a write transaction until the returned function says the app's function is done with it. */
export function holdUntilDone(tx: IDBTransaction): () => boolean {
  unfinished.set(tx, performance.now());
  return () => unfinished.delete(tx);
}
