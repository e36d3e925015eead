/**
 * Index files of log segments (`00000001.idx` beside `00000001.log`): the
 * header and location of every record of a segment, so that a startup
 * reads a few hundred bytes per record instead of whole records.
 *
 * The file is one JSON array per record, `[...header, offset, length],`
 * per line, closed by `["end", <segment size>],` when its segment is
 * sealed. It is derived data: an index file that is missing, unfinished or
 * does not match its segment's size is ignored and the segment scanned.
 */
import { promises as fs } from 'node:fs';

/** One entry: the record header, then its offset and length. */
export type IndexEntry = unknown[];

/** The index line of a record whose header JSON (an array) is `header`. */
export function indexLine(
  headerJson: string,
  offset: number,
  length: number
): string {
  return `${headerJson.slice(0, -1)},${offset},${length}],\n`;
}

/** How much of a segment an index file described. */
export interface IndexCoverage {
  /** The file was whole and matched its segment: nothing to scan. */
  complete: boolean;
  /** The segment offset after the last entry delivered. */
  covered: number;
}

/** Entries are parsed this many characters at a time (see below). */
const PARSE_CHUNK = 256 * 1024;

/**
 * Delivers the entries of a sealed segment's index file to `onEntry`.
 * Nothing is delivered when the file is missing or its trailer does not
 * match `segmentSize`; if the file is damaged in the middle, the entries
 * before the damage are delivered and `covered` tells where to scan from.
 *
 * Entries are parsed in chunks of lines, each one JSON.parse call: one call
 * per line would cost a string per line, one call per file would keep a
 * whole segment's entries alive long enough to burden the collector.
 */
export async function readSegmentIndex(
  path: string,
  segmentSize: number,
  onEntry: (entry: IndexEntry) => void
): Promise<IndexCoverage> {
  const none = { complete: false, covered: 0 };
  let text: string;
  try {
    text = await fs.readFile(path, 'latin1');
  } catch {
    return none;
  }
  // Every line ends with ",\n"; the last one is the trailer.
  const trailerStart = text.lastIndexOf('\n', text.length - 2) + 1;
  let trailer: unknown;
  try {
    trailer = JSON.parse(text.slice(trailerStart, text.length - 2));
  } catch {
    return none;
  }
  if (
    !text.endsWith(',\n') ||
    !Array.isArray(trailer) ||
    trailer[0] !== 'end' ||
    trailer[1] !== segmentSize
  ) {
    return none;
  }
  let covered = 0;
  let pos = 0;
  while (pos < trailerStart) {
    let end = text.indexOf('\n', Math.min(pos + PARSE_CHUNK, trailerStart - 1));
    if (end < 0 || end >= trailerStart) {
      end = trailerStart - 1;
    }
    let entries: IndexEntry[];
    try {
      entries = JSON.parse(`[${text.slice(pos, end - 1)}]`);
    } catch {
      return { complete: false, covered };
    }
    for (const entry of entries) {
      const n = entry.length;
      const offset = entry[n - 2];
      const length = entry[n - 1];
      if (typeof offset !== 'number' || typeof length !== 'number') {
        return { complete: false, covered };
      }
      onEntry(entry);
      covered = offset + length + 1;
    }
    pos = end + 1;
  }
  return { complete: true, covered };
}

/** Index lines held before they are written out: about 700 records. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Writes the index file of the segment being appended to. Lines are
 * gathered and written in order in the background, one write per
 * {@link FLUSH_BYTES} rather than one per commit (no fsync: the file is
 * derived, and the startup scan rebuilds the index of the last segment
 * anyway); {@link SegmentIndexWriter.seal} finishes it when the segment is
 * sealed.
 */
export class SegmentIndexWriter {
  private pending: Promise<void> = Promise.resolve();
  private failed = false;
  private held: string[] = [];
  private heldBytes = 0;

  private constructor(
    private readonly path: string,
    private readonly handle: fs.FileHandle
  ) {}

  /** Starts a fresh index file at `path` holding `lines`. */
  static async create(
    path: string,
    lines: string[]
  ): Promise<SegmentIndexWriter> {
    const writer = new SegmentIndexWriter(path, await fs.open(path, 'w'));
    writer.add(lines);
    writer.flush();
    return writer;
  }

  /** Queues lines (ASCII) for writing. */
  add(lines: string[]): void {
    if (this.failed) {
      return;
    }
    for (const line of lines) {
      this.held.push(line);
      this.heldBytes += line.length;
    }
    if (this.heldBytes >= FLUSH_BYTES) {
      this.flush();
    }
  }

  /** Starts writing the held lines. */
  private flush(): void {
    if (this.held.length === 0 || this.failed) {
      return;
    }
    const text = this.held.join('');
    this.held = [];
    this.heldBytes = 0;
    this.pending = this.pending
      .then(async () => {
        await this.handle.write(text, null, 'latin1');
      })
      .catch(() => {
        // A broken index file is only a slower next startup.
        this.failed = true;
      });
  }

  /** Writes the trailer, syncs and closes: the index is complete. */
  async seal(segmentSize: number): Promise<void> {
    this.add([`["end",${segmentSize}],\n`]);
    this.flush();
    await this.pending;
    try {
      if (!this.failed) {
        await this.handle.datasync();
      }
    } finally {
      await this.handle.close();
    }
    if (this.failed) {
      await fs.rm(this.path, { force: true });
    }
  }

  /** Closes an unsealed index (the next startup rebuilds it). */
  async close(): Promise<void> {
    this.flush();
    await this.pending;
    await this.handle.close();
  }
}
