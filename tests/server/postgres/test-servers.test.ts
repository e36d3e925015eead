/**
 * The tests' throwaway servers (tests/server/support/postgres.ts): each
 * test database is a new empty one on the cluster, each bucket a new empty
 * one on the S3 server, so test files never see each other's data.
 */
import {
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { stopStarted, testBucket, testDatabase } from '../support/postgres';

afterAll(stopStarted);

async function tablesOf(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    );
    return res.rows.map(r => r.tablename);
  } finally {
    await client.end();
  }
}

test('two test databases are separate and start empty', async () => {
  const [a, b] = await Promise.all([testDatabase(), testDatabase()]);
  expect(a).not.toBe(b);
  const client = new Client({ connectionString: a });
  await client.connect();
  await client.query('CREATE TABLE trail_probe (x int)');
  await client.end();
  expect(await tablesOf(a)).toEqual(['trail_probe']);
  expect(await tablesOf(b)).toEqual([]);
});

test('two test buckets are separate and start empty', async () => {
  const [a, b] = await Promise.all([testBucket(), testBucket()]);
  expect(a.url).toMatch(/^s3:\/\/[a-z0-9-]+\/trail$/);
  const client = new S3Client({
    endpoint: a.env.AWS_ENDPOINT_URL,
    region: a.env.AWS_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: a.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: a.env.AWS_SECRET_ACCESS_KEY
    }
  });
  try {
    await client.send(
      new PutObjectCommand({ Bucket: a.bucket, Key: 'trail/x', Body: 'x' })
    );
    const list = async (bucket: string) =>
      (
        (await client.send(new ListObjectsV2Command({ Bucket: bucket })))
          .Contents ?? []
      ).map(o => o.Key);
    expect(await list(a.bucket)).toEqual(['trail/x']);
    expect(await list(b.bucket)).toEqual([]);
  } finally {
    client.destroy();
  }
});
