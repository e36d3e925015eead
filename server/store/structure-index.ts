/**
 * The notebook structures of sessions (structure.captured events): per
 * session, its snapshots in fromSeq order (then arrival), each named by a
 * number the store maps to where the snapshot's cells are (a log location,
 * or the cells themselves in memory). Rebuilt from the log's headers at
 * startup, like the other indexes; the cells are read when asked.
 */

/** One structure snapshot of a session, as indexed. */
export interface StructureEntry {
  fromSeq: number;
  /** The store's number for the snapshot. */
  ref: number;
}

/** See the module comment. */
export class StructureIndex {
  private readonly bySession = new Map<string, StructureEntry[]>();
  private count = 0;

  /** Indexes a snapshot; returns its number. */
  add(sessionId: string, fromSeq: number): number {
    const entry = { fromSeq, ref: this.count++ };
    const list = this.bySession.get(sessionId);
    if (!list) {
      this.bySession.set(sessionId, [entry]);
    } else {
      let at = list.length;
      while (at > 0 && list[at - 1].fromSeq > fromSeq) {
        at--;
      }
      list.splice(at, 0, entry);
    }
    return entry.ref;
  }

  /** A session's snapshots in fromSeq order (empty when it has none). */
  of(sessionId: string): readonly StructureEntry[] {
    return this.bySession.get(sessionId) ?? [];
  }
}
