/**
 * The admin CLI (`trail-server users …`, `trail-server tokens …`) against
 * a real PostgreSQL, beyond the cases every directory passes
 * (access-directory.test.ts runs those with --database): an empty database
 * is migrated first, TRAIL_DATABASE_URL names one, what the CLI writes
 * counts on a server's directory at once, and a bad URL or an unreachable
 * database is a clear error that names no password.
 */
import { createServer } from 'node:net';
import { runAdminCli } from '../../../server/access/admin-cli';
import { runCli } from '../../../server/cli-options';
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
  it('migrates an empty database named by TRAIL_DATABASE_URL, and what it writes counts on a server at once', async () => {
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

  it('runs from the server’s own command line, with the database after the command', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const refuse = async () => {
      throw new Error('no server nor migration should start');
    };
    const code = await runCli(
      [
        'node',
        'trail-server',
        'users',
        'add',
        'zoe',
        '--database',
        url,
        '--json'
      ],
      { serve: refuse, migrate: refuse },
      { out: t => out.push(t), err: t => err.push(t) }
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ name: 'zoe' });
    const server = await PgDirectory.open(db);
    expect(server.userByName('zoe')).toBeDefined();
  });

  it('exits 1 on refused changes, 2 on bad usage, 1 with no password shown when the database is down', async () => {
    expect((await cli('users', 'add', 'alice', '--database', url)).code).toBe(
      0
    );
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
