/**
 * The admin CLI (`trail-server users …`, `trail-server tokens …`) against
 * a real PostgreSQL: the same commands as with --data, given --database or
 * TRAIL_DATABASE_URL, and what they write counts on a server's directory
 * at once; an unreachable database is a clear error that names no password.
 */
import { createServer } from 'node:net';
import { runAdminCli } from '../../../server/access/admin-cli';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgDirectory } from '../../../server/store/postgres/pg-directory';
import { stopStarted, testDatabase } from '../support/postgres';

let url: string;
let db: PgDatabase;

beforeAll(async () => {
  // The CLI applies the migrations itself: the database starts empty.
  url = await testDatabase();
  db = openDatabase(url);
}, 60_000);

afterAll(async () => {
  await db?.close();
  await stopStarted();
});

/** Runs the admin CLI in-process and captures what it prints. */
async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCli(['node', 'trail-server', ...args], {
    out: t => out.push(t),
    err: t => err.push(t)
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trail-server users / tokens --database', () => {
  it('adds users, issues, lists and revokes tokens in the database', async () => {
    const added = await cli(
      'users',
      'add',
      'alice',
      '--admin',
      '--database',
      url,
      '--json'
    );
    expect(added.code).toBe(0);
    const alice = JSON.parse(added.out);
    expect(alice).toMatchObject({ name: 'alice', role: 'admin' });
    expect(
      (
        await cli(
          'users',
          'add',
          'bob',
          '--display-name',
          'Bob B.',
          '--database',
          url
        )
      ).out
    ).toMatch(/added member "bob"/);

    const issued = await cli(
      'tokens',
      'issue',
      'bob',
      '--label',
      'laptop',
      '--database',
      url
    );
    expect(issued.code).toBe(0);
    const token = issued.out.trim();
    expect(issued.err).toMatch(/shown only now/);

    // A server's directory on the same database takes the token at once.
    const server = await PgDirectory.open(db);
    expect(await server.authenticate(token)).toMatchObject({
      name: 'bob',
      displayName: 'Bob B.',
      role: 'member'
    });

    const listed = await cli(
      'tokens',
      'list',
      'bob',
      '--database',
      url,
      '--json'
    );
    const tokens = JSON.parse(listed.out);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ label: 'laptop', revokedAt: null });
    expect(tokens[0].sha256).toBeUndefined();
    expect(listed.out).not.toContain(token.slice(4));
    expect((await cli('tokens', 'list', '--database', url)).out).toMatch(
      /bob\s+trl_\S+…\s+active\s+laptop/
    );

    const users = await cli('users', 'list', '--database', url);
    expect(users.out).toMatch(/alice\s+admin\s+active/);
    expect(users.out).toMatch(/bob\s+member\s+active\s+Bob B\./);

    expect(
      (await cli('users', 'role', 'bob', 'admin', '--database', url)).code
    ).toBe(0);
    await server.catchUp();
    expect(server.userByName('bob')?.role).toBe('admin');

    const revoked = await cli(
      'tokens',
      'revoke',
      'user:bob',
      '--database',
      url
    );
    expect(revoked.out).toBe(`revoked ${tokens[0].id}`);
    expect(await server.authenticate(token)).toBeNull();
    expect(
      (await cli('tokens', 'revoke', tokens[0].id, '--database', url)).out
    ).toBe('already revoked');
  });

  it('reads TRAIL_DATABASE_URL, and disables a user with effect on a server at once', async () => {
    const saved = process.env.TRAIL_DATABASE_URL;
    process.env.TRAIL_DATABASE_URL = url;
    try {
      expect((await cli('users', 'add', 'carol')).code).toBe(0);
      const token = (await cli('tokens', 'issue', 'carol')).out.trim();
      const server = await PgDirectory.open(db);
      expect(await server.authenticate(token)).not.toBeNull();
      expect((await cli('users', 'disable', 'carol')).out).toBe(
        'disabled "carol"'
      );
      expect(await server.authenticate(token)).toBeNull();
      const refused = await cli('tokens', 'issue', 'carol');
      expect(refused.code).toBe(1);
      expect(refused.err).toMatch(/error: the user "carol" is disabled/);
    } finally {
      if (saved === undefined) {
        delete process.env.TRAIL_DATABASE_URL;
      } else {
        process.env.TRAIL_DATABASE_URL = saved;
      }
    }
  });

  it('exits 1 on refused changes, 2 on bad usage, 1 with no password shown when the database is down', async () => {
    const taken = await cli('users', 'add', 'alice', '--database', url);
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/already exists/);
    expect(
      (await cli('users', 'role', 'nobody', 'admin', '--database', url)).code
    ).toBe(1);

    const bad = await cli('users', 'list', '--database', 'mysql://x@y/z');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/must be a PostgreSQL URL/);

    // A port nothing listens on.
    const port = await new Promise<number>(resolve => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = await cli(
      'users',
      'list',
      '--database',
      `postgres://trail:s3cret-pw@127.0.0.1:${port}/trail`
    );
    expect(down.code).toBe(1);
    expect(down.err).toMatch(
      new RegExp(
        `cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/trail \\(ECONNREFUSED\\)`
      )
    );
    expect(down.err).not.toContain('s3cret-pw');
  });
});
