/**
 * A SHA-256 digest per execution number, and the numbers holding a given
 * digest, outside the JS heap: 32 bytes of digest, a chain link and about
 * one bucket per entry (~42 bytes an execution), where a Map of hex
 * strings would cost several times that. Buckets hash the digest's first
 * four bytes (a digest is uniformly random); lookups confirm the full
 * 32 bytes, so a prefix collision never answers a wrong execution.
 */

const DIGEST_BYTES = 32;
/** Chain end. */
const NONE = -1;
/** In `next`: the number holds no digest. */
const ABSENT = -2;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** The 32 bytes of a lowercase hex SHA-256, or null for anything else. */
function toDigest(hex: string): Buffer | null {
  return HEX_DIGEST.test(hex) ? Buffer.from(hex, 'hex') : null;
}

/** See the module comment. */
export class DigestTable {
  private digests = Buffer.alloc(1024 * DIGEST_BYTES);
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
    const digest = hex === null ? null : toDigest(hex);
    if (this.has(n)) {
      if (digest !== null && this.equals(n, digest)) {
        return;
      }
      this.unlink(n);
    }
    if (digest === null) {
      return;
    }
    this.fit(n);
    digest.copy(this.digests, n * DIGEST_BYTES);
    if (this.count + 1 > this.heads.length) {
      this.rehash(this.heads.length * 2);
    }
    const b = this.bucketOf(n);
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
    const at = n * DIGEST_BYTES;
    return this.digests.toString('hex', at, at + DIGEST_BYTES);
  }

  /** The numbers holding digest `hex` (any order). */
  find(hex: string): number[] {
    const digest = toDigest(hex);
    if (digest === null) {
      return [];
    }
    const found: number[] = [];
    const b = digest.readUInt32BE(0) & (this.heads.length - 1);
    for (let n = this.heads[b]; n !== NONE; n = this.next[n]) {
      if (this.equals(n, digest)) {
        found.push(n);
      }
    }
    return found;
  }

  private equals(n: number, digest: Buffer): boolean {
    const at = n * DIGEST_BYTES;
    return digest.compare(this.digests, at, at + DIGEST_BYTES) === 0;
  }

  private bucketOf(n: number): number {
    return (
      this.digests.readUInt32BE(n * DIGEST_BYTES) & (this.heads.length - 1)
    );
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
    const digests = Buffer.alloc(size * DIGEST_BYTES);
    this.digests.copy(digests);
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
