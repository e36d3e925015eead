/**
 * Full-text search over the history: the code and output text of every
 * execution, lower-cased, packed into large buffers and scanned with
 * Buffer.indexOf (a native substring search), newest documents first.
 *
 * Why a scan and not an inverted index: queries are substrings of code
 * (`read_csv(`, `lr=0.`, a column name), which word tokenizers handle badly,
 * and a scan of a few hundred MB takes well under the 300 ms budget on one
 * core while costing ~1 byte of memory per byte of text and nothing to keep
 * up to date. Documents are separated by a byte that never occurs in UTF-8
 * text, so a match never spans two executions.
 */

/** Separates documents in a chunk: 0xFF never occurs in UTF-8. */
const SEPARATOR = 0xff;

/**
 * Bytes per chunk. A search scans a chunk without a break, then yields to
 * the event loop: small enough that ingest is never held up for long.
 */
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** How much of the newest text is sampled to find the rarest term. */
const SAMPLE_BYTES = 1024 * 1024;

/** Occurrences counted per term in the sample, at most. */
const SAMPLE_CAP = 10_000;

/** What a search asks for. */
export interface TextQuery {
  /** Every term must occur in the document (case-insensitive substrings). */
  terms: string[];
  /** Only documents numbered below this (paging newest-first). */
  before?: number;
  /** Keep a document? (access, author, notebook, dates...) */
  accept?: (doc: number) => boolean;
  /**
   * Does the text of a document holding every term match? (the words of
   * `match=words`, after the terms found where they can be)
   */
  check?: (text: string) => boolean;
  /** Stop after this many matches. */
  limit: number;
  /** Give up scanning after this many milliseconds (partial result). */
  budgetMs?: number;
}

/** What a search found. */
export interface TextHits {
  /** Matching document numbers, newest (highest) first. */
  docs: number[];
  /** Whether the scan stopped on the budget before reaching the oldest document. */
  truncated: boolean;
}

/** Splits a query string into terms: words, or "quoted phrases". */
export function parseTerms(query: string): string[] {
  const terms: string[] = [];
  const re = /"([^"]+)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query))) {
    const term = (m[1] ?? m[2]).trim().toLowerCase();
    if (term) {
      terms.push(term);
    }
  }
  return terms;
}

interface Chunk {
  bytes: Buffer;
  used: number;
  /** First document number stored in this chunk. */
  firstDoc: number;
  /** Start offset of each document (relative index doc - firstDoc). */
  starts: number[];
  /** Document number at each position (documents may skip numbers). */
  docs: number[];
}

/**
 * An append-only text index keyed by increasing document numbers.
 */
export class TextIndex {
  constructor(options: { chunkBytes?: number } = {}) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  /** How many documents are indexed. */
  get size(): number {
    return this.count;
  }

  /** Bytes of text held. */
  get bytes(): number {
    return this.chunks.reduce((sum, c) => sum + c.used, 0);
  }

  /**
   * Adds the text of document `doc`; numbers must increase. Text longer
   * than a chunk is cut.
   */
  add(doc: number, text: string): void {
    if (doc <= this.lastDoc) {
      throw new Error(`document ${doc} is not after ${this.lastDoc}`);
    }
    let bytes = Buffer.from(text.toLowerCase(), 'utf8');
    if (bytes.length > this.chunkBytes - 1) {
      bytes = bytes.subarray(0, this.chunkBytes - 1);
    }
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || chunk.used + bytes.length + 1 > chunk.bytes.length) {
      chunk = {
        bytes: Buffer.allocUnsafe(this.chunkBytes),
        used: 0,
        firstDoc: doc,
        starts: [],
        docs: []
      };
      this.chunks.push(chunk);
    }
    chunk.starts.push(chunk.used);
    chunk.docs.push(doc);
    bytes.copy(chunk.bytes, chunk.used);
    chunk.used += bytes.length;
    chunk.bytes[chunk.used++] = SEPARATOR;
    this.lastDoc = doc;
    this.count++;
  }

  /**
   * Finds documents holding every term, newest first. Yields to the event
   * loop between chunks, so other requests go on during a long scan;
   * documents added meanwhile are not seen by it.
   */
  async search(query: TextQuery): Promise<TextHits> {
    const terms = this.byRarity(
      [...new Set(query.terms.map(t => t.toLowerCase()))]
        .filter(Boolean)
        .map(t => Buffer.from(t, 'utf8'))
    );
    const docs: number[] = [];
    if (terms.length === 0 || query.limit <= 0) {
      return { docs, truncated: false };
    }
    const [lead, ...rest] = terms;
    const deadline =
      query.budgetMs !== undefined ? Date.now() + query.budgetMs : Infinity;
    // Fixed now: a document added while this scan waits is not seen.
    const before = Math.min(query.before ?? Infinity, this.lastDoc + 1);
    const chunks = this.chunks.slice();
    const ends = chunks.map(chunk => chunk.used);
    for (let c = chunks.length - 1; c >= 0; c--) {
      const chunk = chunks[c];
      if (chunk.firstDoc >= before) {
        continue;
      }
      if (c < chunks.length - 1) {
        await new Promise(resolve => setImmediate(resolve));
      }
      const found = this.scanChunk(chunk, ends[c], lead, rest, before);
      // Newest first; the text is checked only as far as the page needs.
      for (let i = found.length - 1; i >= 0; i--) {
        const { doc, start, end } = found[i];
        if (
          query.check &&
          !query.check(chunk.bytes.toString('utf8', start, end))
        ) {
          continue;
        }
        if (!query.accept || query.accept(doc)) {
          docs.push(doc);
          if (docs.length >= query.limit) {
            return { docs, truncated: false };
          }
        }
      }
      if (Date.now() > deadline && c > 0) {
        return { docs, truncated: true };
      }
    }
    return { docs, truncated: false };
  }

  /**
   * Orders terms rarest first, by their count in a sample of the newest
   * text: the scan looks for the first and only checks the others in the
   * documents it finds, so a rare first term keeps that check rare.
   */
  private byRarity(terms: Buffer[]): Buffer[] {
    if (terms.length < 2) {
      return terms;
    }
    const last = this.chunks[this.chunks.length - 1];
    if (!last) {
      return terms;
    }
    const sample = last.bytes.subarray(
      Math.max(0, last.used - SAMPLE_BYTES),
      last.used
    );
    const counts = new Map<Buffer, number>();
    for (const term of terms) {
      let count = 0;
      for (
        let at = sample.indexOf(term);
        at >= 0 && count < SAMPLE_CAP;
        at = sample.indexOf(term, at + term.length)
      ) {
        count++;
      }
      counts.set(term, count);
    }
    return [...terms].sort(
      (a, b) => counts.get(a)! - counts.get(b)! || b.length - a.length
    );
  }

  /**
   * Documents of one chunk holding every term, in increasing order, with
   * where their text is in the chunk.
   */
  private scanChunk(
    chunk: Chunk,
    used: number,
    lead: Buffer,
    rest: Buffer[],
    before: number
  ): { doc: number; start: number; end: number }[] {
    const out: { doc: number; start: number; end: number }[] = [];
    const { starts, docs } = chunk;
    // Only the written part: the rest of the buffer is uninitialized.
    const bytes = chunk.bytes.subarray(0, used);
    let from = 0;
    let position = 0; // index into starts, moves forward only
    while (from < used) {
      const at = bytes.indexOf(lead, from);
      if (at < 0) {
        break;
      }
      // The document holding `at`: advance while the next one starts before it.
      while (position + 1 < starts.length && starts[position + 1] <= at) {
        position++;
      }
      const start = starts[position];
      const end =
        position + 1 < starts.length && starts[position + 1] <= used
          ? starts[position + 1] - 1
          : used - 1;
      const doc = docs[position];
      if (
        doc < before &&
        rest.every(term => contains(bytes, term, start, end))
      ) {
        out.push({ doc, start, end });
      }
      // One hit per document is enough: continue after it.
      from = end + 1;
    }
    return out;
  }

  private chunks: Chunk[] = [];
  private chunkBytes: number;
  private lastDoc = -1;
  private count = 0;
}

function contains(
  bytes: Buffer,
  term: Buffer,
  start: number,
  end: number
): boolean {
  // A view bounded to the document: indexOf must not run on past its end.
  return bytes.subarray(start, end).indexOf(term) >= 0;
}
