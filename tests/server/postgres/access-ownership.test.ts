/**
 * PgOwnership against a real PostgreSQL: the access facts of sessions
 * (claims, visibility, notebook rules, paths, aliases) as OwnershipStore
 * keeps them, and two servers on one database seeing each other's changes
 * after catchUp(), with the first owner winning a claim raced on both.
 */
import { aliasId } from '../../../server/access/aliases';
import type { VisibilityChange } from '../../../server/access/ownership';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgOwnership } from '../../../server/store/postgres/pg-ownership';
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

const claim = (
  sessionId: string,
  authorId: string,
  notebookPath: string | null = 'a.ipynb',
  visibility?: 'team' | 'private'
) => ({ sessionId, authorId, notebookPath, visibility });

describe('PgOwnership', () => {
  it('claims once (first owner wins), keeps visibility and survives a reopen', async () => {
    const one = await PgOwnership.open(db);
    await one.claim([claim('s1', 'alice'), claim('s1', 'bob')]);
    await one.claim([claim('s1', 'bob')]);
    expect(one.session('s1')).toEqual({
      authorId: 'alice',
      visibility: 'team',
      notebookPath: 'a.ipynb'
    });
    await one.claim([claim('s2', 'alice', 'b.ipynb', 'private')]);
    expect(one.privateSessions().get('s2')).toBe('alice');
    expect(one.sessionsOf('alice').sort()).toEqual(['s1', 's2']);

    const again = await PgOwnership.open(db);
    expect(again.session('s1')?.authorId).toBe('alice');
    expect(again.session('s2')?.visibility).toBe('private');
    expect(again.lastSeq).toBe(one.lastSeq);
  });

  it('sets visibility, refuses unknown sessions, and tells listeners once durable', async () => {
    const one = await PgOwnership.open(db);
    await one.claim([claim('v1', 'carol', 'v.ipynb')]);
    const heard: VisibilityChange[][] = [];
    one.onVisibilityChange(changes => heard.push(changes));
    const version = one.version;
    await one.setVisibility('v1', 'private', 'carol');
    expect(one.session('v1')?.visibility).toBe('private');
    expect(one.version).toBeGreaterThan(version);
    expect(heard).toHaveLength(1);
    expect(heard[0][0]).toMatchObject({
      sessionId: 'v1',
      notebookPath: 'v.ipynb',
      authorId: 'carol',
      from: 'team',
      to: 'private'
    });
    expect(heard[0][0].seq).toBe(one.lastSeq);
    await expect(one.setVisibility('nope', 'team', 'carol')).rejects.toThrow(
      /unknown session/
    );
    const { rows } = await db.pool.query(
      "SELECT visibility FROM trail_session_access WHERE session_id = 'v1'"
    );
    expect(rows).toEqual([{ visibility: 'private' }]);
  });

  it('applies notebook rules to existing and new sessions', async () => {
    const one = await PgOwnership.open(db);
    await one.claim([
      claim('r1', 'dan', 'r.ipynb'),
      claim('r2', 'dan', 'r.ipynb'),
      claim('r3', 'dan', 'other.ipynb'),
      claim('r4', 'erin', 'r.ipynb')
    ]);
    expect(await one.setNotebookRule('dan', 'r.ipynb', 'private')).toBe(2);
    expect(one.rule('dan', 'r.ipynb')).toBe('private');
    expect(one.session('r3')?.visibility).toBe('team');
    expect(one.session('r4')?.visibility).toBe('team');
    await one.claim([claim('r5', 'dan', 'r.ipynb')]);
    expect(one.session('r5')?.visibility).toBe('private');
    // What the session.started asks wins over the rule.
    await one.claim([claim('r6', 'dan', 'r.ipynb', 'team')]);
    expect(one.session('r6')?.visibility).toBe('team');
    expect(await one.setNotebookRule('dan', 'r.ipynb', 'private')).toBe(1);
  });

  it('notes a path learnt later, on every server', async () => {
    const one = await PgOwnership.open(db);
    await one.claim([claim('p1', 'fay', null)]);
    one.notePath('p1', 'late.ipynb');
    expect(one.session('p1')?.notebookPath).toBe('late.ipynb');
    await one.close();
    const two = await PgOwnership.open(other);
    expect(two.session('p1')?.notebookPath).toBe('late.ipynb');
    // A rule set through the second server now finds the session.
    expect(await two.setNotebookRule('fay', 'late.ipynb', 'private')).toBe(1);
  });

  it('keeps aliases, each internal id once', async () => {
    const one = await PgOwnership.open(db);
    const alias = {
      kind: 'session' as const,
      publicId: 'shared',
      authorId: 'gil',
      internalId: aliasId('session', 'shared', 'gil')
    };
    await one.claim([claim(alias.internalId, 'gil')], [alias]);
    await one.claim([], [alias]);
    expect(one.aliases.of('session', 'shared')).toEqual([alias]);
    const two = await PgOwnership.open(other);
    expect(two.aliases.own('session', 'shared', 'gil')).toEqual(alias);
    expect(two.aliases.publicId(alias.internalId)).toBe('shared');
  });

  it('shows one server what another stored once it catches up', async () => {
    const one = await PgOwnership.open(db);
    const two = await PgOwnership.open(other);
    const heard: VisibilityChange[] = [];
    two.onVisibilityChange(changes => heard.push(...changes));

    await one.claim([claim('x1', 'hal', 'x.ipynb')]);
    expect(two.session('x1')).toBeUndefined();
    await two.catchUp();
    expect(two.session('x1')?.authorId).toBe('hal');

    await one.setVisibility('x1', 'private', 'hal');
    expect(two.privateSessions().has('x1')).toBe(false);
    await Promise.all([two.catchUp(), two.catchUp(), two.catchUp()]);
    expect(two.privateSessions().get('x1')).toBe('hal');
    expect(heard).toEqual([
      expect.objectContaining({ sessionId: 'x1', from: 'team', to: 'private' })
    ]);
    expect(two.lastSeq).toBe(one.lastSeq);
  });

  it('lets the first of two servers claiming one session at once win, and fails the other person’s batch retryably', async () => {
    const one = await PgOwnership.open(db);
    const two = await PgOwnership.open(other);
    const results = await Promise.allSettled([
      one.claim([claim('race', 'ivy')]),
      two.claim([claim('race', 'jon')])
    ]);
    const won = results.filter(r => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find(r => r.status === 'rejected') as
      PromiseRejectedResult | undefined;
    expect(lost?.reason).toMatchObject({ status: 503, code: 'access_changed' });
    await one.catchUp();
    const owner = one.session('race')?.authorId;
    expect(['ivy', 'jon']).toContain(owner);
    expect(two.session('race')?.authorId).toBe(owner);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM trail_access_facts WHERE fact->>'s' = 'race'"
    );
    expect(rows).toEqual([{ n: 1 }]);

    // The same person claiming through both servers is no conflict.
    await Promise.all([
      one.claim([claim('same', 'kim')]),
      two.claim([claim('same', 'kim')])
    ]);
    expect(two.session('same')?.authorId).toBe('kim');
  });

  it('answers 503 database_unavailable when the database is gone, and stores nothing', async () => {
    const url = await testDatabase();
    const lost = openDatabase(url);
    await lost.migrate();
    const one = await PgOwnership.open(lost);
    await lost.close();
    await expect(one.claim([claim('gone', 'lee')])).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable'
    });
    expect(one.session('gone')).toBeUndefined();
    await expect(one.catchUp()).rejects.toMatchObject({
      status: 503,
      code: 'database_unavailable'
    });
  });
});
