/**
 * A hash index from id strings to row numbers, kept in typed arrays.
 *
 * The history index holds two ids per execution. At a million executions a
 * JS Map or Set costs about a microsecond per insert (cache misses, growth)
 * and a large heap for the collector to walk; this table (open addressing,
 * linear probing, hashes kept beside the slots) is several times faster to
 * fill at startup and lives outside the JS heap. Keys are not stored: the
 * owner's column gives a row's key back (`keyOf`), so a lookup is exact.
 */

/** FNV-1a over UTF-16 code units. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** See the module comment. */
export class IdTable {
  /** row + 1 per slot; 0 marks an empty slot. */
  private slots: Int32Array;
  private hashes: Uint32Array;
  private count = 0;

  constructor(
    private readonly keyOf: (row: number) => string,
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
      if (this.hashes[i] === h && this.keyOf(slot - 1) === id) {
        return slot - 1;
      }
    }
  }

  /** Adds `id` at `row`; the caller knows the id is not in the table. */
  add(id: string, row: number): void {
    if ((this.count + 1) * 2 > this.slots.length) {
      this.grow();
    }
    this.place(hashOf(id), row + 1);
    this.count++;
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
