/**
 * `--owner <user>` of `migrate --from` and `import`, on a real PostgreSQL
 * and through the command line and the API: a laptop's history (the
 * server's owner principal's sessions, one private, one stored without an
 * access fact, and a notebook rule; a session of another person) becomes
 * alice's on the team database: her token lists the sessions as hers, bob
 * does not see the private one, the other person keeps theirs. The copy
 * check passes, a second run is a no-op, a run with another owner (or
 * without one) after it is refused, an unknown user copies nothing, and
 * without `--owner` the sessions stay the owner principal's; a copy cut
 * midway resumes with the same owner and refuses another.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { UserDirectory } from '../../../server/access/directory';
import { OwnershipStore } from '../../../server/access/ownership';
import { createApp, runtimeOf } from '../../../server/app';
import {
  backendDeps,
  openBackend,
  type Backend
} from '../../../server/backend';
import { runCli, type ServerOptions } from '../../../server/cli-options';
import { loadRecordSchemas } from '../../../server/schemas';
import { IngestService } from '../../../server/services/ingest';
import { FileStore } from '../../../server/store/file-store';
import { openDatabase } from '../../../server/store/postgres/database';
import { openFileEnd } from '../../../server/transfer/file-end';
import { migrateHistory } from '../../../server/transfer/migrate';
import { ownedSource, SourceOwners } from '../../../server/transfer/owner-map';
import { openPostgresEnd } from '../../../server/transfer/pg-end';
import { RecordValidator } from '../../../server/validation';
import { stopStarted, testDatabase } from '../support/postgres';
import { executionEvent, sessionEvent } from '../support/records';
import { writableDirectory } from '../support/backend';

jest.setTimeout(120_000);

const TOKEN = 'owner-token-of-the-team-server';
const owner = {
  userId: 'owner',
  name: 'root',
  displayName: 'root',
  role: 'admin' as const,
  tokenId: null
};

let root: string;
let laptop: string;
let ids: { private: string; unclaimed: string; carol: string };

/**
 * The laptop: the owner principal's private session (claimed) and team
 * session (stored without a fact), its rule for the private notebook, and
 * carol's session (a user of the laptop's directory).
 */
async function seedLaptop(dir: string) {
  await mkdir(dir, { recursive: true });
  const users = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
  const carol = await users.addUser('carol');
  const owners = await OwnershipStore.open(dir);
  const store = await FileStore.open(dir);
  const ingest = new IngestService(
    store,
    new RecordValidator(loadRecordSchemas()),
    { authorizeIngest: async (_p, events) => events }
  );
  const session = async (notebookPath: string, authorId: string | null) => {
    const started = sessionEvent({ notebookPath });
    const id = started.session.id;
    if (authorId) {
      await owners.claim([
        {
          sessionId: id,
          authorId,
          notebookPath,
          visibility: authorId === 'owner' ? 'private' : 'team'
        }
      ]);
    }
    await ingest.ingest(owner, {
      events: [
        started,
        executionEvent(id, 1, { notebookPath }),
        executionEvent(id, 2, { notebookPath })
      ]
    });
    return id;
  };
  ids = {
    private: await session('nb/secret.ipynb', 'owner'),
    unclaimed: await session('nb/shared.ipynb', null),
    carol: await session('nb/carol.ipynb', carol.id)
  };
  await owners.setNotebookRule('owner', 'nb/secret.ipynb', 'private');
  await store.close();
  await owners.close();
}

/** The team database: alice and bob with a token each. */
async function teamDatabase(): Promise<{
  url: string;
  people: Record<string, { id: string; token: string }>;
}> {
  const url = await testDatabase();
  return { url, people: await addPeople(url) };
}

/** Adds alice and bob to the database at `url`, a token each. */
async function addPeople(
  url: string
): Promise<Record<string, { id: string; token: string }>> {
  const backend = await open(url);
  const people: Record<string, { id: string; token: string }> = {};
  try {
    const directory = writableDirectory(backend);
    for (const name of ['alice', 'bob']) {
      const user = await directory.addUser(name);
      people[name] = {
        id: user.id,
        token: (await directory.issueToken(name)).token
      };
    }
  } finally {
    await backend.close();
  }
  return people;
}

async function open(url: string): Promise<Backend> {
  const options: ServerOptions = {
    host: '127.0.0.1',
    port: 0,
    dataDir: await mkdtemp(join(root, 'server-')),
    corsOrigins: [],
    maxBodyBytes: 16 * 1024 * 1024,
    database: url,
    databaseWait: 0
  };
  const opened = await openBackend(options, owner, () => undefined);
  if (opened.kind === 'already-running') {
    throw new Error('already running');
  }
  return opened;
}

/** Runs `work` with the team server's app on `url`. */
async function withApp<T>(
  url: string,
  work: (app: ReturnType<typeof createApp>) => Promise<T>
): Promise<T> {
  const backend = await open(url);
  const app = createApp({
    ...backendDeps(backend),
    token: TOKEN,
    owner,
    log: { error: () => undefined }
  });
  try {
    await backend.attach(runtimeOf(app));
    return await work(app);
  } finally {
    runtimeOf(app).close();
    await backend.close();
  }
}

async function cli(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ['node', 'trail-server', ...args],
    {
      serve: async () => {
        throw new Error('serve must not run');
      },
      migrate: async () => {
        throw new Error('the schema migration must not run');
      }
    },
    { out: t => out.push(t), err: t => err.push(t) }
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function counts(url: string) {
  const db = openDatabase(url, { log: { warn: () => undefined } });
  try {
    const { rows } = await db.pool.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM trail_events) AS events,
              (SELECT count(*) FROM trail_access_facts) AS facts,
              (SELECT count(*) FROM trail_users) AS users`
    );
    return {
      events: Number(rows[0].events),
      facts: Number(rows[0].facts),
      users: Number(rows[0].users)
    };
  } finally {
    await db.close();
  }
}

async function rulesOf(url: string) {
  const db = openDatabase(url, { log: { warn: () => undefined } });
  try {
    const { rows } = await db.pool.query(
      'SELECT author_id, notebook_path, visibility FROM trail_notebook_rules'
    );
    return rows;
  } finally {
    await db.close();
  }
}

/** GET `path` with `token`; the listing's ids with their authors. */
async function listed(
  app: ReturnType<typeof createApp>,
  token: string,
  path: string
): Promise<Record<string, { author: string; visibility: string }>> {
  const res = await request(app)
    .get(`/api/v1${path}`)
    .set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (
      res.body.items as {
        id: string;
        author: { name: string };
        visibility: string;
      }[]
    ).map(s => [s.id, { author: s.author.name, visibility: s.visibility }])
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'trail-transfer-owner-'));
  laptop = join(root, 'laptop');
  await seedLaptop(laptop);
});

afterAll(async () => {
  await stopStarted();
  await rm(root, { recursive: true, force: true });
});

test('migrate --owner: the owner principal’s sessions and rules become the user’s', async () => {
  const { url, people } = await teamDatabase();

  const unknown = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'zoe'
  );
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain('has no user "zoe"');
  expect(unknown.err).toContain(
    '`trail-server users add zoe --database <url>`'
  );
  expect(await counts(url)).toEqual({ events: 0, facts: 0, users: 2 });

  const first = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'alice'
  );
  expect(first.err).toContain("become alice's");
  expect(first).toMatchObject({ code: 0 });
  expect(first.out).toContain('both sides match');
  expect(first.out).not.toContain('DIFFERS');

  await withApp(url, async app => {
    const alices = await listed(
      app,
      people.alice.token,
      `/sessions?author=${people.alice.id}`
    );
    expect(alices).toEqual({
      [ids.private]: { author: 'alice', visibility: 'private' },
      [ids.unclaimed]: { author: 'alice', visibility: 'team' }
    });
    const bobs = await listed(app, people.bob.token, '/sessions');
    expect(Object.keys(bobs).sort()).toEqual([ids.unclaimed, ids.carol].sort());
    expect(bobs[ids.carol].author).toBe('carol');
    const hidden = await request(app)
      .get(`/api/v1/sessions/${ids.private}`)
      .set('Authorization', `Bearer ${people.bob.token}`);
    expect(hidden.status).toBe(404);
    // The team server's owner holds none of them.
    expect(
      await listed(app, TOKEN, `/sessions?author=${owner.userId}`)
    ).toEqual({});
    // She decides their visibility now.
    const shared = await request(app)
      .patch(`/api/v1/sessions/${ids.unclaimed}`)
      .set('Authorization', `Bearer ${people.alice.token}`)
      .send({ visibility: 'private' });
    expect(shared.status).toBe(200);
    const back = await request(app)
      .patch(`/api/v1/sessions/${ids.unclaimed}`)
      .set('Authorization', `Bearer ${people.alice.token}`)
      .send({ visibility: 'team' });
    expect(back.status).toBe(200);
  });
  expect(await rulesOf(url)).toEqual([
    {
      author_id: people.alice.id,
      notebook_path: 'nb/secret.ipynb',
      visibility: 'private'
    }
  ]);

  // The visibility changes above are facts of the team server: the source's
  // are all there, so the check still passes and nothing is copied again.
  const again = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'alice'
  );
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toContain('nothing to copy');

  const before = await counts(url);
  const other = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'bob'
  );
  expect(other.code).toBe(1);
  expect(other.err).toContain('copied by an earlier run with --owner alice');
  expect(other.err).toContain('(this run has --owner bob)');
  const none = await cli('migrate', '--from', laptop, '--to', url);
  expect(none.code).toBe(1);
  expect(none.err).toContain('copied by an earlier run with --owner alice');
  expect(none.err).toContain('(this run has no --owner)');
  expect(await counts(url)).toEqual(before);
});

test('migrate without --owner: the sessions stay the owner principal’s; --owner after it is refused', async () => {
  // The whole-history migration as before: an empty database, checked
  // equal to the folder; the team's people come after it.
  const url = await testDatabase();
  const plain = await cli('migrate', '--from', laptop, '--to', url);
  expect(plain).toMatchObject({ code: 0 });
  expect(plain.err).not.toContain('owner:');
  const people = await addPeople(url);
  await withApp(url, async app => {
    const mine = await listed(app, TOKEN, `/sessions?author=${owner.userId}`);
    expect(mine).toEqual({
      [ids.private]: { author: 'root', visibility: 'private' },
      [ids.unclaimed]: { author: 'root', visibility: 'team' }
    });
    expect(
      await listed(
        app,
        people.alice.token,
        `/sessions?author=${people.alice.id}`
      )
    ).toEqual({});
  });
  const later = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'alice'
  );
  expect(later.code).toBe(1);
  expect(later.err).toContain('copied by an earlier run without --owner');
  const schemaOnly = await cli(
    'migrate',
    '--database',
    url,
    '--owner',
    'alice'
  );
  expect(schemaOnly.code).toBe(2); // a usage error, as commander's
  expect(schemaOnly.err).toContain('--owner goes with migrate --from <dir>');
});

test('import --owner: an export of the laptop becomes the user’s', async () => {
  const { url, people } = await teamDatabase();
  const file = join(root, 'laptop.jsonl.gz');
  expect(await cli('export', '--data', laptop, '--out', file)).toMatchObject({
    code: 0
  });
  const unknown = await cli(
    'import',
    '--database',
    url,
    '--in',
    file,
    '--owner',
    'zoe'
  );
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain(
    '`trail-server users add zoe --database <url>`'
  );
  expect(await counts(url)).toEqual({ events: 0, facts: 0, users: 2 });

  const imported = await cli(
    'import',
    '--database',
    url,
    '--in',
    file,
    '--owner',
    'alice'
  );
  expect(imported).toMatchObject({ code: 0 });
  expect(imported.out).toContain(
    "2 sessions of the exporting server's owner are alice's"
  );
  await withApp(url, async app => {
    expect(
      await listed(
        app,
        people.alice.token,
        `/sessions?author=${people.alice.id}`
      )
    ).toEqual({
      [ids.private]: { author: 'alice', visibility: 'private' },
      [ids.unclaimed]: { author: 'alice', visibility: 'team' }
    });
    const bobs = await listed(app, people.bob.token, '/sessions');
    expect(bobs[ids.private]).toBeUndefined();
  });
  const before = await counts(url);
  const again = await cli(
    'import',
    '--database',
    url,
    '--in',
    file,
    '--owner',
    'alice'
  );
  expect(again).toMatchObject({ code: 0 });
  expect(again.out).toContain('imported 0 events');
  expect(await counts(url)).toEqual(before);
  const other = await cli(
    'import',
    '--database',
    url,
    '--in',
    file,
    '--owner',
    'bob'
  );
  expect(other.code).toBe(1);
  expect(other.err).toContain('with --owner alice');
});

test('an interrupted migrate --owner resumes with the same owner only', async () => {
  const { url, people } = await teamDatabase();
  const source = await openFileEnd(laptop, { create: false });
  const target = await openPostgresEnd(url);
  try {
    // The target's store fails its second append: a copy cut midway.
    let appends = 0;
    const store = new Proxy(target.store, {
      get(t, p) {
        const value = Reflect.get(t, p, t) as unknown;
        if (p === 'append') {
          return (...args: Parameters<typeof t.append>) => {
            if (++appends === 2) {
              throw new Error('the connection went away');
            }
            return t.append(...args);
          };
        }
        return typeof value === 'function' ? value.bind(t) : value;
      }
    });
    const cut = Object.create(target, { store: { value: store } });
    const owners = await SourceOwners.of(source);
    await expect(
      migrateHistory(
        ownedSource(source, people.alice.id, owners.claimsFor(people.alice.id)),
        cut,
        () => undefined,
        { batchSize: 2, contained: true }
      )
    ).rejects.toThrow('the connection went away');
  } finally {
    await target.close();
    await source.close();
  }
  expect((await counts(url)).events).toBe(2);

  const other = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'bob'
  );
  expect(other.code).toBe(1);
  expect(other.err).toContain('copied by an earlier run with --owner alice');
  expect((await counts(url)).events).toBe(2);

  const resumed = await cli(
    'migrate',
    '--from',
    laptop,
    '--to',
    url,
    '--owner',
    'alice'
  );
  expect(resumed).toMatchObject({ code: 0 });
  expect(resumed.err).toContain('events: 7 of 9 copied (2 were there)');
  expect(resumed.out).toContain('both sides match');
  await withApp(url, async app => {
    expect(
      Object.keys(
        await listed(
          app,
          people.alice.token,
          `/sessions?author=${people.alice.id}`
        )
      ).sort()
    ).toEqual([ids.private, ids.unclaimed].sort());
  });
});
