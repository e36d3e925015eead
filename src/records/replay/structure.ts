/**
 * The notebook's structure as the recorder sends it (structure.captured
 * events): the cells in order, each with its id, type and the SHA-256 of
 * its (redacted) source, the sources themselves sent once per session.
 * The rules here say what a content's hash is, when a structure changed,
 * and what of it to send given what the session already sent; the
 * recorder keeps the state, the server and the replay read the result.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { StructureCapturedEvent, StructureCell } from '../schema';

export type { StructureCell } from '../schema';

/** The type of a notebook cell. */
export type CellType = StructureCell['cellType'];

/**
 * The SHA-256 (hex) of a cell source's UTF-8 bytes: the key of its content
 * in a structure event's `sources` and in the server's blob store.
 * Synchronous, the same in the browser and in Node.
 */
export function sourceSha256(source: string): string {
  return bytesToHex(sha256(utf8ToBytes(source)));
}

/** Whether two structures have the same cells (ids, types, contents) in the same order. */
export function sameStructure(
  a: readonly StructureCell[],
  b: readonly StructureCell[]
): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.id !== y.id || x.cellType !== y.cellType || x.sha256 !== y.sha256) {
      return false;
    }
  }
  return true;
}

/** What a session has sent of its structure so far. */
export interface SentStructure {
  /** The cells of the last structure sent. */
  cells: readonly StructureCell[];
  /** The hashes of every source sent in this session. */
  sources: ReadonlySet<string>;
}

/** A structure event's content, before it gets its ids. */
export type StructureUpdate = Pick<StructureCapturedEvent, 'cells' | 'sources'>;

/**
 * What to send for the structure `cells` (whose sources, by hash, are in
 * `sourceOf`), given what the session sent before (null: nothing yet):
 * null when the structure is the one sent last; otherwise the cells and
 * only the sources the session has not sent (each once, even when several
 * cells hold the same content).
 */
export function structureUpdate(
  previous: SentStructure | null,
  cells: readonly StructureCell[],
  sourceOf: (sha256: string) => string | undefined
): StructureUpdate | null {
  if (previous !== null && sameStructure(previous.cells, cells)) {
    return null;
  }
  const sources: Record<string, string> = {};
  for (const cell of cells) {
    const sha = cell.sha256;
    if (previous?.sources.has(sha) || Object.hasOwn(sources, sha)) {
      continue;
    }
    const source = sourceOf(sha);
    if (source !== undefined) {
      sources[sha] = source;
    }
  }
  return { cells: cells.map(c => ({ ...c })), sources };
}

/** What the session has sent once `update` is sent after `previous`. */
export function afterUpdate(
  previous: SentStructure | null,
  update: StructureUpdate
): SentStructure {
  const sources = new Set(previous?.sources ?? []);
  for (const sha of Object.keys(update.sources)) {
    sources.add(sha);
  }
  return { cells: update.cells, sources };
}
