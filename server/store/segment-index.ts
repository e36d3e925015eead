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

/**
 * Reads the entries of a sealed segment's index file, or null when the
 * file is missing or does not describe a segment of `segmentSize` bytes.
 */
export async function readSegmentIndex(
  path: string,
  segmentSize: number
): Promise<IndexEntry[] | null> {
  let text: string;
  try {
    text = await fs.readFile(path, 'latin1');
  } catch {
    return null;
  }
  let entries: IndexEntry[];
  try {
    // Every line ends with ",\n": drop the last two characters and the
    // whole file is one JSON array, parsed in one call.
    entries = JSON.parse(`[${text.slice(0, -2)}]`);
  } catch {
    return null;
  }
  const trailer = entries.pop();
  if (
    !Array.isArray(trailer) ||
    trailer[0] !== 'end' ||
    trailer[1] !== segmentSize
  ) {
    return null;
  }
  return entries;
}

/**
 * Writes the index file of the segment being appended to. Lines are
 * written in order in the background (no fsync: the file is derived);
 * {@link SegmentIndexWriter.seal} finishes it when the segment is sealed.
 */
export class SegmentIndexWriter {
  private pending: Promise<void> = Promise.resolve();
  private failed = false;

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
    return writer;
  }

  /** Queues lines for writing. */
  add(lines: string[]): void {
    if (lines.length === 0 || this.failed) {
      return;
    }
    const text = lines.join('');
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
    await this.pending;
    await this.handle.close();
  }
}
