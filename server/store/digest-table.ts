/**
 * A SHA-256 digest per execution number, and the numbers holding a given
 * digest, outside the JS heap: 32 bytes of digest, a chain link and about
 * one bucket per entry (~42 bytes an execution), where a Map of hex
 * strings would cost several times that. Buckets hash the digest's first
 * four bytes (a digest is uniformly random); lookups confirm the full
 * 32 bytes, so a prefix collision never answers a wrong execution.
 */

const DIGEST_BYTES = 32;
/** Chain end, and "no digest" in `next`. */
const NONE = -1;
const ABSENT = -2;

/** See the module comment. */
export class DigestTable {
  private digests = new Uint8Array(1024 * DIGEST_BYTES);
  /** Next number in the same bucket; ABSENT when the number has no digest. */
  private next = new Int32Array(1024).fill(ABSENT);
  private heads = new Int32Array(1024).fill(NONE);
  private count = 0;

  /** How many numbers hold a digest. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return (
      this.digests.byteLength + this.next.byteLength + this.heads.byteLength
    );
  }

  /** Sets (or, with null, removes) the digest of number `n`. */
  set(n: number, hex: string | null): void {
    if (this.has(n)) {
      if (hex !== null && this.equals(n, hex)) {
        return;
      }
      this.unlink(n);
    }
    if (hex === null) {
      return;
    }
    this.fit(n);
    const at = n * DIGEST_BYTES;
    for (let i = 0; i < DIGEST_BYTES; i++) {
      this.digests[at + i] = parseInt(hex.substr(i * 2, 2), 16);
    }
    if (this.count + 1 > this.heads.length) {
      this.rehash(this.heads.length * 2);
    }
    const b = this.bucketOfHex(hex);
    this.next[n] = this.heads[b];
    this.heads[b] = n;
    this.count++;
  }

  /** Whether number `n` holds a digest. */
  has(n: number): boolean {
    return n < this.next.length && this.next[n] !== ABSENT;
  }

  /** The digest of number `n` as hex, or null. */
  get(n: number): string | null {
    if (!this.has(n)) {
      return null;
    }
    let hex = '';
    const at = n * DIGEST_BYTES;
    for (let i = 0; i < DIGEST_BYTES; i++) {
      hex += this.digests[at + i].toString(16).padStart(2, '0');
    }
    return hex;
  }

  /** The numbers holding digest `hex` (any order). */
  find(hex: string): number[] {
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      return [];
    }
    const found: number[] = [];
    for (
      let n = this.heads[this.bucketOfHex(hex)];
      n !== NONE;
      n = this.next[n]
    ) {
      if (this.equals(n, hex)) {
        found.push(n);
      }
    }
    return found;
  }

  private equals(n: number, hex: string): boolean {
    const at = n * DIGEST_BYTES;
    for (let i = 0; i < DIGEST_BYTES; i++) {
      if (this.digests[at + i] !== parseInt(hex.substr(i * 2, 2), 16)) {
        return false;
      }
    }
    return true;
  }

  private bucketOfHex(hex: string): number {
    return parseInt(hex.slice(0, 8), 16) & (this.heads.length - 1);
  }

  private bucketOf(n: number): number {
    const at = n * DIGEST_BYTES;
    const word =
      ((this.digests[at] << 24) |
        (this.digests[at + 1] << 16) |
        (this.digests[at + 2] << 8) |
        this.digests[at + 3]) >>>
      0;
    return word & (this.heads.length - 1);
  }

  private unlink(n: number): void {
    const b = this.bucketOf(n);
    if (this.heads[b] === n) {
      this.heads[b] = this.next[n];
    } else {
      let m = this.heads[b];
      while (m !== NONE && this.next[m] !== n) {
        m = this.next[m];
      }
      if (m !== NONE) {
        this.next[m] = this.next[n];
      }
    }
    this.next[n] = ABSENT;
    this.count--;
  }

  /** Room for number `n`. */
  private fit(n: number): void {
    if (n < this.next.length) {
      return;
    }
    const size = Math.max(n + 1, this.next.length * 2);
    const next = new Int32Array(size).fill(ABSENT);
    next.set(this.next);
    this.next = next;
    const digests = new Uint8Array(size * DIGEST_BYTES);
    digests.set(this.digests);
    this.digests = digests;
  }

  private rehash(buckets: number): void {
    this.heads = new Int32Array(buckets).fill(NONE);
    for (let n = 0; n < this.next.length; n++) {
      if (this.next[n] !== ABSENT) {
        const b = this.bucketOf(n);
        this.next[n] = this.heads[b];
        this.heads[b] = n;
      }
    }
  }
}
