/**
 * PgDirectory and the shared secrets against a real PostgreSQL: users and
 * tokens as UserDirectory keeps them (only hashes stored), and two servers
 * on one database: a token issued through one authenticates through the
 * other at once, a revoked one or a disabled user is refused at once, and
 * the users listed follow after catchUp().
 */
import {
  hashToken,
  TOKEN_PREFIX,
  type Principal
} from '../../../server/access/directory';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgDirectory } from '../../../server/store/postgres/pg-directory';
import { cursorKey } from '../../../server/store/postgres/pg-secrets';
import { stopStarted, testDatabase } from '../support/postgres';

let db: PgDatabase;
let other: PgDatabase;

beforeAll(async () => {
  const url = await testDatabase();
  db = openDatabase(url);
  other = openDatabase(url);
  await db.migrate();
}, 60_000);

afterAll(async () => {
  await db?.close();
  await other?.close();
  await stopStarted();
});

describe('PgDirectory', () => {
  it('issues tokens that authenticate as their user and stores only hashes', async () => {
    const users = await PgDirectory.open(db);
    const alice = await users.addUser('alice', { displayName: 'Alice A.' });
    expect(alice.role).toBe('member');
    const { token, record } = await users.issueToken('alice', 'laptop');
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(await users.authenticate(token)).toEqual<Principal>({
      userId: alice.id,
      name: 'alice',
      displayName: 'Alice A.',
      role: 'member',
      tokenId: record.id
    });
    expect(await users.authenticate(token + 'x')).toBeNull();
    expect(await users.authenticate('not-a-token')).toBeNull();

    const { rows } = await db.pool.query(
      'SELECT row_to_json(t)::text AS row FROM trail_tokens t'
    );
    const stored = rows.map(r => r.row).join('\n');
    expect(stored).not.toContain(token.slice(TOKEN_PREFIX.length));
    expect(stored).toContain(hashToken(token));
    expect(await users.listTokens()).toEqual([record]);
    expect(users.userByName('alice')).toEqual(alice);
    expect(users.userById(alice.id)).toEqual(alice);
  });

  it('refuses bad and duplicate names and the reserved owner name', async () => {
    const users = await PgDirectory.open(db);
    await users.addUser('bob');
    await expect(users.addUser('bob')).rejects.toThrow(/already exists/);
    await expect(users.addUser('Bob!')).rejects.toThrow(
      /not a valid user name/
    );
    await expect(users.addUser('owner')).rejects.toThrow(/reserved/);
    await expect(users.setRole('nobody', 'admin')).rejects.toThrow(
      /no user named "nobody"/
    );
    await expect(users.issueToken('nobody')).rejects.toThrow(
      /no user named "nobody"/
    );
    expect((await users.setRole('bob', 'admin')).role).toBe('admin');
    expect(users.userByName('bob')?.role).toBe('admin');
  });

  it('works across two servers: issued, revoked and disabled at once', async () => {
    const one = await PgDirectory.open(db);
    const two = await PgDirectory.open(other);
    const carol = await one.addUser('carol');
    const first = await one.issueToken('carol', 'a');
    const second = await one.issueToken('carol', 'b');
    // Authentication asks the database: no catch-up needed.
    expect((await two.authenticate(first.token))?.userId).toBe(carol.id);
    expect(two.userById(carol.id)).toBeUndefined();
    await two.catchUp();
    expect(two.userById(carol.id)?.name).toBe('carol');

    const revoked = await two.revokeTokens(TOKEN_PREFIX + first.record.prefix);
    expect(revoked.map(t => t.id)).toEqual([first.record.id]);
    expect(await one.authenticate(first.token)).toBeNull();
    expect((await one.authenticate(second.token))?.name).toBe('carol');
    expect(await two.revokeTokens(first.record.id)).toEqual([]);
    await expect(two.revokeTokens('zzzzzz')).rejects.toThrow(
      /no token matches/
    );

    await two.disableUser('carol');
    expect(await one.authenticate(second.token)).toBeNull();
    await expect(one.issueToken('carol')).rejects.toThrow(/disabled/);
    await Promise.all([one.catchUp(), one.catchUp()]);
    expect(one.userById(carol.id)?.disabledAt).not.toBeNull();
    // Disabling twice keeps the first time.
    const at = one.userById(carol.id)?.disabledAt;
    expect((await one.disableUser('carol')).disabledAt).toBe(at);
  });

  it('revokes every token of a user with user:<name>', async () => {
    const users = await PgDirectory.open(db);
    await users.addUser('dan');
    const a = await users.issueToken('dan');
    const b = await users.issueToken('dan');
    const revoked = await users.revokeTokens('user:dan');
    expect(revoked.map(t => t.id).sort()).toEqual(
      [a.record.id, b.record.id].sort()
    );
    expect(await users.authenticate(a.token)).toBeNull();
    expect(await users.authenticate(b.token)).toBeNull();
    await expect(users.revokeTokens('user:nobody')).rejects.toThrow(
      /no user named/
    );
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
