import { UUID } from '@lumino/coreutils';

/** UUIDs made from one call for random bytes. */
const POOL_UUIDS = 256;

/** Two hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0')
);

/**
 * Random (v4) UUIDs from the platform's cryptographic random source, asked
 * for 4 KiB at a time: the recorder makes one or two per execution on the
 * main thread, and in Chromium each `crypto.randomUUID()` or small
 * `getRandomValues` call costs tens of microseconds, while formatting 16
 * bytes costs well under one.
 */
export class UuidPool {
  constructor(
    private readonly fill: (bytes: Uint8Array) => void = bytes => {
      globalThis.crypto.getRandomValues(bytes);
    }
  ) {}

  /** The next UUID. */
  next(): string {
    if (this._at >= this._bytes.length) {
      this.fill(this._bytes);
      this._at = 0;
    }
    const b = this._bytes;
    const i = this._at;
    this._at += 16;
    // Version 4 in the high nibble of byte 6, variant 10 in byte 8.
    return (
      HEX[b[i]] +
      HEX[b[i + 1]] +
      HEX[b[i + 2]] +
      HEX[b[i + 3]] +
      '-' +
      HEX[b[i + 4]] +
      HEX[b[i + 5]] +
      '-' +
      HEX[(b[i + 6] & 0x0f) | 0x40] +
      HEX[b[i + 7]] +
      '-' +
      HEX[(b[i + 8] & 0x3f) | 0x80] +
      HEX[b[i + 9]] +
      '-' +
      HEX[b[i + 10]] +
      HEX[b[i + 11]] +
      HEX[b[i + 12]] +
      HEX[b[i + 13]] +
      HEX[b[i + 14]] +
      HEX[b[i + 15]]
    );
  }

  private _bytes = new Uint8Array(16 * POOL_UUIDS);
  private _at = this._bytes.length;
}

/**
 * A random (v4) UUID for the recorder's ids; JupyterLab's own generator
 * where the platform has no `crypto.getRandomValues`.
 */
export const uuid4: () => string =
  typeof globalThis.crypto?.getRandomValues === 'function'
    ? (
        pool => () =>
          pool.next()
      )(new UuidPool())
    : () => UUID.uuid4();
