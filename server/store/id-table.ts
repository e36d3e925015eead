/**
 * Ids kept outside the JS heap: {@link IdPool} stores them as bytes by row
 * number, {@link IdTable} maps an id to its row.
 *
 * The history index holds two ids per execution. At a million executions,
 * JS strings in a Map or Set cost about a microsecond per insert (cache
 * misses, growth) and two million heap objects that every major GC walks
 * (pauses of hundreds of milliseconds). Here the bytes sit in one Buffer,
 * the table is open addressing with linear probing over typed arrays, and
 * a lookup compares bytes, so it is exact.
 */

/**
 * Ids (ASCII, as the record schemas require) by row number, in one
 * growable Buffer.
 */
export class IdPool {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private ends = new Float64Array(1024);
  private rows = 0;

  /** How many ids are stored; the next one gets this row. */
  get size(): number {
    return this.rows;
  }

  /** Stores `id`; returns its row. */
  push(id: string): number {
    const start = this.rows === 0 ? 0 : this.ends[this.rows - 1];
    if (start + id.length > this.bytes.length) {
      const bigger = Buffer.allocUnsafe(
        Math.max(this.bytes.length * 2, start + id.length)
      );
      this.bytes.copy(bigger, 0, 0, start);
      this.bytes = bigger;
    }
    if (this.rows === this.ends.length) {
      const grown = new Float64Array(this.rows * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    if (id.length <= 128) {
      // A plain loop beats Buffer#write's native call for short ids.
      const bytes = this.bytes;
      for (let i = 0; i < id.length; i++) {
        bytes[start + i] = id.charCodeAt(i);
      }
    } else {
      this.bytes.write(id, start, 'latin1');
    }
    this.ends[this.rows] = start + id.length;
    return this.rows++;
  }

  /** The id of a row. */
  get(row: number): string {
    const start = row === 0 ? 0 : this.ends[row - 1];
    return this.bytes.toString('latin1', start, this.ends[row]);
  }

  /** Whether the id of `row` is `id`, without making a string. */
  equals(row: number, id: string): boolean {
    const start = row === 0 ? 0 : this.ends[row - 1];
    if (this.ends[row] - start !== id.length) {
      return false;
    }
    for (let i = 0; i < id.length; i++) {
      if (this.bytes[start + i] !== id.charCodeAt(i)) {
        return false;
      }
    }
    return true;
  }
}

/** FNV-1a over UTF-16 code units. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Maps ids to the rows of an {@link IdPool} (see the module comment). */
export class IdTable {
  /** row + 1 per slot; 0 marks an empty slot. */
  private slots: Int32Array;
  private hashes: Uint32Array;
  private count = 0;

  constructor(
    private readonly pool: IdPool,
    capacity = 1024
  ) {
    this.slots = new Int32Array(capacity);
    this.hashes = new Uint32Array(capacity);
  }

  /** How many ids the table holds. */
  get size(): number {
    return this.count;
  }

  /** The row of `id`, or undefined. */
  get(id: string): number | undefined {
    const h = hashOf(id);
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i];
      if (slot === 0) {
        return undefined;
      }
      if (this.hashes[i] === h && this.pool.equals(slot - 1, id)) {
        return slot - 1;
      }
    }
  }

  /**
   * Stores `id` in the pool and indexes it; the caller knows it is not in
   * the table. Returns its row.
   */
  add(id: string): number {
    if ((this.count + 1) * 2 > this.slots.length) {
      this.grow();
    }
    const row = this.pool.push(id);
    this.place(hashOf(id), row + 1);
    this.count++;
    return row;
  }

  /** The row of `id`, storing it first if it is not in the table. */
  getOrAdd(id: string): number {
    if ((this.count + 1) * 2 > this.slots.length) {
      this.grow();
    }
    const h = hashOf(id);
    const mask = this.slots.length - 1;
    let i = h & mask;
    for (; this.slots[i] !== 0; i = (i + 1) & mask) {
      if (this.hashes[i] === h && this.pool.equals(this.slots[i] - 1, id)) {
        return this.slots[i] - 1;
      }
    }
    const row = this.pool.push(id);
    this.slots[i] = row + 1;
    this.hashes[i] = h;
    this.count++;
    return row;
  }

  private place(h: number, slot: number): void {
    const mask = this.slots.length - 1;
    let i = h & mask;
    while (this.slots[i] !== 0) {
      i = (i + 1) & mask;
    }
    this.slots[i] = slot;
    this.hashes[i] = h;
  }

  private grow(): void {
    const slots = this.slots;
    const hashes = this.hashes;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Uint32Array(slots.length * 2);
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] !== 0) {
        this.place(hashes[i], slots[i]);
      }
    }
  }
}
