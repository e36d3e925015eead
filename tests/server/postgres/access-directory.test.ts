/**
 * PgDirectory and the shared secrets against a real PostgreSQL: the cases
 * every directory passes (support/directory-cases.ts: only hashes stored;
 * a token issued through one server authenticates through another at
 * once, a revoked one or a disabled user is refused at once; the admin CLI
 * given --database), and what is the database's own: users listed follow
 * after catchUp(), a lost database is a 503, one cursor key for all.
 */
import { TOKEN_PREFIX } from '../../../server/access/directory';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgDirectory } from '../../../server/store/postgres/pg-directory';
import { cursorKey } from '../../../server/store/postgres/pg-secrets';
import { describeDirectory } from '../support/directory-cases';
import { stopStarted, testDatabase } from '../support/postgres';

let db: PgDatabase;
let other: PgDatabase;
/** The pools the shared cases opened. */
const pools: PgDatabase[] = [];

beforeAll(async () => {
  const url = await testDatabase();
  db = openDatabase(url);
  other = openDatabase(url);
  await db.migrate();
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map(p => p.close()));
  await db?.close();
  await other?.close();
  await stopStarted();
});

describeDirectory('PostgreSQL', async () => {
  const url = await testDatabase();
  const open = async () => {
    const opened = openDatabase(url);
    pools.push(opened);
    await opened.migrate();
    return PgDirectory.open(opened);
  };
  const reader = openDatabase(url);
  pools.push(reader);
  return {
    open,
    refresh: async directory => {
      await (directory as PgDirectory).catchUp();
      return directory;
    },
    cliArgs: ['--database', url],
    storedText: async () => {
      const { rows } = await reader.pool.query(
        `SELECT row_to_json(t)::text AS row FROM trail_users t
         UNION ALL SELECT row_to_json(t)::text FROM trail_tokens t`
      );
      return rows.map(r => r.row).join('\n');
    }
  };
});

describe('PgDirectory', () => {
  it('shows users added through another server after catchUp(), sharing one check', async () => {
    const one = await PgDirectory.open(db);
    const two = await PgDirectory.open(other);
    const ida = await one.addUser('ida');
    expect(two.userById(ida.id)).toBeUndefined();
    await Promise.all([two.catchUp(), two.catchUp(), two.catchUp()]);
    expect(two.userById(ida.id)).toEqual(ida);
    expect(two.users.map(u => u.name)).toContain('ida');
  });

  it('keeps a display name and a token label holding NUL and U+FFFF exactly', async () => {
    const odd = 'Zoe\u0000 \uffff0 Z';
    const one = await PgDirectory.open(db);
    const zoe = await one.addUser('zoe', { displayName: odd });
    const issued = await one.issueToken('zoe', `laptop ${odd}`);
    const two = await PgDirectory.open(other);
    expect(two.userById(zoe.id)?.displayName).toBe(odd);
    expect((await two.authenticate(issued.token))?.displayName).toBe(odd);
    const tokens = await two.listTokens();
    expect(tokens.find(t => t.userId === zoe.id)?.label).toBe(`laptop ${odd}`);
  });

  it('answers 503 database_unavailable when the database is gone', async () => {
    const lost = openDatabase(await testDatabase());
    await lost.migrate();
    const users = await PgDirectory.open(lost);
    await lost.close();
    await expect(
      users.authenticate(TOKEN_PREFIX + 'abc')
    ).rejects.toMatchObject({ status: 503, code: 'database_unavailable' });
    await expect(users.addUser('erin')).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable'
    });
  });
});

describe('cursorKey', () => {
  it('is 32 bytes made once and the same for every server, even asked at once', async () => {
    const fresh = openDatabase(await testDatabase());
    const again = openDatabase(fresh.pool.options.connectionString!);
    try {
      await fresh.migrate();
      const [a, b] = await Promise.all([cursorKey(fresh), cursorKey(again)]);
      expect(a).toHaveLength(32);
      expect(b.equals(a)).toBe(true);
      expect((await cursorKey(fresh)).equals(a)).toBe(true);
    } finally {
      await fresh.close();
      await again.close();
    }
  });
});
