/**
 * What the search index keeps per document (execution id, session,
 * start time) in typed arrays and one byte buffer instead of JS strings
 * and arrays: with a million executions indexed, two million small
 * strings on the heap made every major garbage collection mark them all,
 * which showed up as pauses in ingest latency.
 */

/** Strings appended one after another into one growing buffer. */
class PackedStrings {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  /** ends[i] is where string i ends (it starts where i - 1 ends). */
  private ends = new Int32Array(1024);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(value: string): void {
    const size = Buffer.byteLength(value, 'utf8');
    if (this.used + size > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(
        Math.max(this.bytes.length * 2, this.used + size)
      );
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.used += this.bytes.write(value, this.used, 'utf8');
    this.ends = ensure(this.ends, this.count + 1);
    this.ends[this.count++] = this.used;
  }

  get(i: number): string {
    const start = i === 0 ? 0 : this.ends[i - 1];
    return this.bytes.toString('utf8', start, this.ends[i]);
  }
}

/** `array`, or a copy twice as large when it cannot hold `size` items. */
function ensure<T extends Int32Array | Float64Array>(
  array: T,
  size: number
): T {
  if (size <= array.length) {
    return array;
  }
  const bigger = new (array.constructor as new (n: number) => T)(
    Math.max(array.length * 2, size)
  );
  bigger.set(array);
  return bigger;
}

/** Per-document columns, documents numbered from 0 in order. */
export class DocColumns {
  private readonly executions = new PackedStrings();
  /** Sessions are few: each id once, documents point at it. */
  private readonly sessionNumbers = new Map<string, number>();
  private readonly sessionIds: string[] = [];
  private sessionOf = new Int32Array(1024);
  private started = new Float64Array(1024);

  /** How many documents there are. */
  get length(): number {
    return this.executions.length;
  }

  /** Adds the next document; returns its number. */
  push(executionId: string, sessionId: string, startedMs: number): number {
    const doc = this.length;
    let session = this.sessionNumbers.get(sessionId);
    if (session === undefined) {
      session = this.sessionIds.length;
      this.sessionIds.push(sessionId);
      this.sessionNumbers.set(sessionId, session);
    }
    this.sessionOf = ensure(this.sessionOf, doc + 1);
    this.started = ensure(this.started, doc + 1);
    this.sessionOf[doc] = session;
    this.started[doc] = startedMs;
    this.executions.push(executionId);
    return doc;
  }

  executionId(doc: number): string {
    return this.executions.get(doc);
  }

  sessionId(doc: number): string {
    return this.sessionIds[this.sessionOf[doc]];
  }

  startedMs(doc: number): number {
    return this.started[doc];
  }
}
