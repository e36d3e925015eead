/**
 * Blobs of a PostgreSQL-backed store. Without an object store they live in
 * `trail_blobs`, inserted by the append's own transaction, so a committed
 * event never cites a missing blob and a failed append leaves none behind.
 * With one (S3: a {@link WritableBlobStore}) the append puts them there
 * first, and commits only once every put has resolved.
 */
import type pg from 'pg';
import { SHA256_HEX } from '../blob-store';
import type { BlobStore } from '../types';
import { guarded } from './pg-errors';
import { readManyByKey } from './pg-read-many';

/** Blobs in the database's `trail_blobs`. */
export class PgBlobStore implements BlobStore {
  constructor(private readonly pool: pg.Pool) {}

  get(sha256: string): Promise<Buffer | null> {
    if (!SHA256_HEX.test(sha256)) {
      return Promise.resolve(null);
    }
    return guarded(async () => {
      const { rows } = await this.pool.query<{ content: Buffer }>(
        'SELECT content FROM trail_blobs WHERE sha256 = $1',
        [sha256]
      );
      return rows[0]?.content ?? null;
    });
  }

  getMany(sha256s: readonly string[]): Promise<(Buffer | null)[]> {
    const names = sha256s.filter(s => SHA256_HEX.test(s));
    if (names.length === 0) {
      return Promise.resolve(sha256s.map(() => null));
    }
    return guarded(async () => {
      const found = await readManyByKey<
        { key: string; content: Buffer },
        Buffer
      >(
        this.pool,
        'SELECT sha256 AS key, content FROM trail_blobs WHERE sha256 = ANY($1::text[])',
        names,
        row => row.content
      );
      const byName = new Map(names.map((name, i) => [name, found[i]]));
      return sha256s.map(s => byName.get(s) ?? null);
    });
  }
}

/**
 * Inserts blobs in the transaction of `client` (one statement; a blob
 * already stored is left as it is: its content is its name).
 */
export async function insertBlobs(
  client: pg.PoolClient,
  blobs: ReadonlyMap<string, Buffer>
): Promise<void> {
  if (blobs.size === 0) {
    return;
  }
  const names: string[] = [];
  const contents: Buffer[] = [];
  blobs.forEach((content, sha256) => {
    if (!SHA256_HEX.test(sha256)) {
      throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    }
    names.push(sha256);
    contents.push(content);
  });
  await client.query(
    `INSERT INTO trail_blobs (sha256, content)
     SELECT * FROM unnest($1::text[], $2::bytea[])
     ON CONFLICT (sha256) DO NOTHING`,
    [names, contents]
  );
}
