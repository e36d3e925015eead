/**
 * A file read whose hash is still pending: what the capture merge tests
 * (here and tests/server/capture.test.ts) settle with a later capture.
 */
import type { FileAccess } from '../../src/records/schema';

/** A SHA-256 a later capture settles the read with. */
export const SHA_A = 'a'.repeat(64);

/** data/train.csv, read, hash pending. */
export const pendingRead: FileAccess = {
  path: 'data/train.csv',
  access: 'read',
  kind: 'file',
  role: 'train',
  size: 1024,
  mtime: '2026-03-01T09:00:00.000Z',
  sha256: null,
  hashPending: true
};
