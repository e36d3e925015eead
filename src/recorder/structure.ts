/**
 * Follows a notebook's structure for the observer: before each recorded
 * execution, the cells as they are (from the context's `structure`), their
 * sources redacted as code is and hashed, and a structure.captured event
 * when the structure changed since the last one this session sent.
 */
import type { StructureCapturedEvent } from '../records/schema';
import { MAX_CODE_LENGTH, MAX_STRUCTURE_CELLS } from '../records/limits';
import {
  afterUpdate,
  sourceSha256,
  structureUpdate,
  type CellType,
  type SentStructure,
  type StructureCell
} from '../records/replay/structure';
import { uuid4 } from './uuid';

/** A notebook's cells in order, as the context reads them. */
export interface NotebookStructure {
  cells: readonly {
    id: string;
    cellType: CellType;
    source: string;
  }[];
}

/** Redacts a cell's source (as code is redacted). */
export type RedactSource = (source: string) => string;

/** What is known of one cell's source: hashing it again is skipped. */
interface HashedSource {
  source: string;
  redact: RedactSource;
  redacted: string;
  sha256: string;
}

/**
 * See the module comment. Each cell's source is redacted and hashed once
 * per content: a cell whose source string is the one seen before (the
 * common case: most cells do not change between two runs) costs a string
 * comparison, so a 500-cell notebook is cheap to check at every run.
 */
export class StructureTracker {
  /**
   * @param redactor - the redaction to apply now (read at each capture,
   *   so a change of the redaction settings rehashes).
   */
  constructor(private readonly redactor: () => RedactSource) {}

  /**
   * The event to send before execution `seq` of session `sessionId`, or
   * null when the structure is the one the session sent last (or none is
   * known). A new session id starts over: its first structure, with every
   * source, goes before its first execution. `structure` undefined reuses
   * the structure last seen (an execution moved to a new session).
   */
  capture(
    sessionId: string,
    seq: number,
    structure?: NotebookStructure
  ): StructureCapturedEvent | null {
    if (sessionId !== this._sessionId) {
      this._sessionId = sessionId;
      this._sent = null;
    }
    if (structure !== undefined) {
      this._cells = this._hash(structure);
    }
    if (this._cells === null) {
      return null;
    }
    const update = structureUpdate(this._sent, this._cells, sha =>
      this._texts.get(sha)
    );
    if (update === null) {
      return null;
    }
    this._sent = afterUpdate(this._sent, update);
    return {
      id: uuid4(),
      kind: 'structure.captured',
      sessionId,
      fromSeq: seq,
      ...update
    };
  }

  /** The cells with their hashes; the cache keeps the cells present now. */
  private _hash(structure: NotebookStructure): StructureCell[] {
    const redact = this.redactor();
    const seen = new Map<string, HashedSource>();
    const texts = new Map<string, string>();
    const cells: StructureCell[] = [];
    for (const cell of structure.cells.slice(0, MAX_STRUCTURE_CELLS)) {
      if (typeof cell.id !== 'string' || cell.id === '') {
        continue;
      }
      const id = cell.id.slice(0, 200);
      let hashed = this._cache.get(id);
      if (
        hashed === undefined ||
        hashed.source !== cell.source ||
        hashed.redact !== redact
      ) {
        let redacted = redact(cell.source);
        if (redacted.length > MAX_CODE_LENGTH) {
          redacted = redacted.slice(0, MAX_CODE_LENGTH);
        }
        hashed = {
          source: cell.source,
          redact,
          redacted,
          sha256: sourceSha256(redacted)
        };
      }
      seen.set(id, hashed);
      texts.set(hashed.sha256, hashed.redacted);
      cells.push({ id, cellType: cell.cellType, sha256: hashed.sha256 });
    }
    this._cache = seen;
    this._texts = texts;
    return cells;
  }

  private _sessionId: string | null = null;
  private _sent: SentStructure | null = null;
  private _cells: StructureCell[] | null = null;
  private _cache = new Map<string, HashedSource>();
  private _texts = new Map<string, string>();
}
