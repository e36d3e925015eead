/**
 * PgOwnership against a real PostgreSQL: the cases every keeper of the
 * facts passes (support/ownership-cases.ts), and what is the database's
 * own: the state tables and log positions, two servers on one database
 * seeing each other's changes after catchUp() (paths and aliases too),
 * the first owner winning a claim raced on both, a lost database a 503.
 */
import type { TrailEvent } from '../../../src/records/schema';
import { aliasId } from '../../../server/access/aliases';
import { ownerPrincipal } from '../../../server/access/authenticate';
import type { Principal } from '../../../server/access/directory';
import { authorizeBatch } from '../../../server/access/ingest-scope';
import { TeamAccess } from '../../../server/access/team';
import { MemoryStore } from '../../../server/store/memory-store';
import type { VisibilityChange } from '../../../server/access/ownership';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import { PgOwnership } from '../../../server/store/postgres/pg-ownership';
import { claim, describeOwnership } from '../support/ownership-cases';
import { stopStarted, testDatabase } from '../support/postgres';
import { sessionEvent } from '../support/records';

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

describeOwnership('PostgreSQL', async () => {
  const url = await testDatabase();
  return {
    open: async () => {
      const opened = openDatabase(url);
      pools.push(opened);
      await opened.migrate();
      return PgOwnership.open(opened);
    }
  };
});

describe('PgOwnership', () => {
  it('keeps the state tables for SQL and tells each change with its log position', async () => {
    const one = await PgOwnership.open(db);
    await one.claim([claim('v1', 'carol', 'v.ipynb')]);
    const heard: VisibilityChange[] = [];
    one.onVisibilityChange(changes => heard.push(...changes));
    await one.setVisibility('v1', 'private', 'carol');
    expect(heard).toEqual([
      expect.objectContaining({ sessionId: 'v1', seq: one.lastSeq })
    ]);
    const { rows } = await db.pool.query(
      `SELECT author_id, visibility, notebook_path
       FROM trail_session_access WHERE session_id = 'v1'`
    );
    expect(rows).toEqual([
      { author_id: 'carol', visibility: 'private', notebook_path: 'v.ipynb' }
    ]);
    const facts = await db.pool.query(
      "SELECT fact->>'t' AS t FROM trail_access_facts WHERE fact->>'s' = 'v1' ORDER BY seq"
    );
    expect(facts.rows.map(r => r.t)).toEqual(['claim', 'vis']);
  });

  it('shares a late notebook path and aliases with the other servers', async () => {
    const one = await PgOwnership.open(db);
    const two = await PgOwnership.open(other);
    const alias = {
      kind: 'execution' as const,
      publicId: 'e1',
      authorId: 'fay',
      internalId: aliasId('execution', 'e1', 'fay')
    };
    await one.claim([claim('p1', 'fay', null)], [alias]);
    one.notePath('p1', 'late.ipynb');
    await one.close();
    await two.catchUp();
    expect(two.session('p1')?.notebookPath).toBe('late.ipynb');
    expect(two.aliases.own('execution', 'e1', 'fay')).toEqual(alias);
    // A rule set through the second server finds the session.
    expect(await two.setNotebookRule('fay', 'late.ipynb', 'private')).toBe(1);
    await one.catchUp();
    expect(one.session('p1')?.visibility).toBe('private');
  });

  it('commits writes queued together at once, undoing only the one that fails', async () => {
    const one = await PgOwnership.open(db);
    const before = one.lastSeq;
    const results = await Promise.allSettled([
      one.claim([claim('g1', 'lou')]),
      one.setVisibility('g-unknown', 'private', 'lou'),
      one.claim([claim('g2', 'lou', 'g.ipynb', 'private')]),
      one.claim([claim('g1', 'max')]),
      one.setNotebookRule('lou', 'a.ipynb', 'private')
    ]);
    expect(results.map(r => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled'
    ]);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(
      /unknown session/
    );
    expect((results[3] as PromiseRejectedResult).reason.code).toBe(
      'access_changed'
    );
    expect((results[4] as PromiseFulfilledResult<number>).value).toBe(1);
    expect(one.session('g1')).toEqual({
      authorId: 'lou',
      visibility: 'private',
      notebookPath: 'a.ipynb'
    });
    expect(one.session('g2')?.visibility).toBe('private');
    const { rows } = await db.pool.query(
      "SELECT fact->>'t' AS t FROM trail_access_facts WHERE seq > $1 ORDER BY seq",
      [before]
    );
    expect(rows.map(r => r.t)).toEqual(['claim', 'claim', 'rule', 'vis']);
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

  it('decides a batch again when another server claimed its session for someone else at the same moment', async () => {
    const store = new MemoryStore();
    const person = (id: string): Principal => ({
      userId: id,
      name: id,
      displayName: id,
      role: 'member',
      tokenId: null
    });
    const accessOn = async (on: PgDatabase) =>
      TeamAccess.create({
        store,
        ownership: await PgOwnership.open(on),
        directory: null,
        owner: ownerPrincipal('Owner')
      });
    const [atA, atB] = await Promise.all([accessOn(db), accessOn(other)]);
    // Each round, both servers' mirrors lack the session: both claim it,
    // and the one that loses is told so and decides again.
    let lost = 0;
    for (const ownership of [atA.ownership, atB.ownership]) {
      const claimOnce = ownership.claim.bind(ownership);
      ownership.claim = (...args) =>
        claimOnce(...args).catch(err => {
          lost += (err as { code?: string }).code === 'access_changed' ? 1 : 0;
          throw err;
        });
    }
    const outcomes = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const sessionId = `contested-${round}`;
      const [alice, mallory] = await Promise.allSettled([
        authorizeBatch(atA, person('alice'), [
          sessionEvent({ id: sessionId, visibility: 'private' })
        ]),
        authorizeBatch(atB, person('mallory'), [
          sessionEvent({ id: sessionId })
        ])
      ]);
      const ownership = atA.ownership as PgOwnership;
      await ownership.catchUp();
      const owner = ownership.session(sessionId)?.authorId ?? 'nobody';
      if (owner === 'alice') {
        // Mallory's session is stored apart, under an alias: as if the id were free.
        expect(alice.status).toBe('fulfilled');
        expect(mallory.status).toBe('fulfilled');
        const [stored] = (mallory as PromiseFulfilledResult<TrailEvent[]>)
          .value;
        expect(stored.kind === 'session.started' && stored.session.id).toMatch(
          new RegExp(`^${sessionId}\\.[0-9a-f]{16}$`)
        );
      } else {
        // Mallory's team session came first: Alice may not write into it.
        expect(owner).toBe('mallory');
        expect(mallory.status).toBe('fulfilled');
        expect((alice as PromiseRejectedResult).reason).toMatchObject({
          status: 403,
          code: 'forbidden'
        });
      }
      outcomes.add(owner);
    }
    expect(lost).toBe(12);
    expect(outcomes.size).toBeGreaterThan(0);
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
