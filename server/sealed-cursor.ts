/**
 * Cursors a caller can neither read nor make: a listing's position, as
 * JSON, sealed with AES-256-GCM under a key made when the server starts,
 * or one the servers sharing a database share (a fresh nonce each time). Where a position is an internal number that
 * counts records the caller may not read (the search index's document
 * numbers), sealing it keeps that count from them, and a cursor they
 * forge, or one of another server run, does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class CursorSeal {
  /**
   * `key`: 32 bytes; by default made now, so that cursors of an earlier run
   * do not open. Servers that serve one team from one database share theirs
   * (kept in the database), so that a cursor from one opens on another.
   */
  constructor(private readonly key: Buffer = randomBytes(32)) {
    if (key.length !== 32) {
      throw new Error('a cursor key has 32 bytes');
    }
  }

  /** The cursor text of `position` (any JSON value). */
  seal(position: unknown): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const sealed = Buffer.concat([
      cipher.update(JSON.stringify(position), 'utf8'),
      cipher.final()
    ]);
    return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString(
      'base64url'
    );
  }

  /** The position a cursor of this seal holds, or undefined for any other text. */
  open(cursor: string): unknown {
    const bytes = Buffer.from(cursor, 'base64url');
    if (
      bytes.length <= NONCE_BYTES + TAG_BYTES ||
      bytes.toString('base64url') !== cursor
    ) {
      return undefined;
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.key,
        bytes.subarray(0, NONCE_BYTES)
      );
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final()
      ]);
      return JSON.parse(plain.toString('utf8'));
    } catch {
      return undefined;
    }
  }
}
