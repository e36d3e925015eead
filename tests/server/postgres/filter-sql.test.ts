/**
 * The run filter and sort as SQL (server/store/postgres/filter-sql.ts via
 * PgRuns) against a real PostgreSQL: the same events go to a MemoryStore
 * and to trail_runs, and every filter operator, missing values and mixed
 * types, each sort (both ways, paged after keys) must give the memory
 * store's answer: the same runs, in the same order, the same totals.
 */
import { Pool } from 'pg';
import type { TrailEvent } from '../../../src/records/schema';
import { parseFilter, parseSort } from '../../../src/records/runs/filter';
import { MemoryStore } from '../../../server/store/memory-store';
import { PgRuns } from '../../../server/store/postgres/pg-runs';
import { MIGRATIONS } from '../../../server/store/postgres/migrations';
import type {
  RunKey,
  RunOwners,
  RunQuery,
  StoredEvent
} from '../../../server/store/types';
import { storedForm } from '../store-contract/harness';
import {
  annotationEvent,
  environmentEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';

let pool: Pool;
let runs: PgRuns;
let n = 0;
const memory = new MemoryStore();

/** Stores events in both: core rows trail_runs reads, then the fold. */
async function append(events: TrailEvent[]): Promise<void> {
  const blobs = new Map<string, Buffer>();
  const stored: StoredEvent[] = events.map(e => storedForm(e, blobs));
  await memory.append(stored, blobs);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const e of stored) {
      if (e.kind === 'execution.completed') {
        const x = e.execution;
        await client.query(
          `INSERT INTO trail_executions (id, n, session_id, seq, notebook_path,
             started_at, started_ms, started_text, status, record, code,
             output_text)
           VALUES ($1, $2, $3, $4, '', $5::timestamptz, $6, $5::text, $7, $8, $9, '')`,
          [
            x.id,
            ++n,
            x.sessionId,
            x.seq,
            x.startedAt,
            Date.parse(x.startedAt),
            x.status,
            JSON.stringify(x),
            x.code
          ]
        );
      }
    }
    await runs.stored(client, stored);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

const at = (minute: number) =>
  new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

/** Values of mixed types for the param `v` (undefined: not logged). */
const VALUES: unknown[] = [
  3,
  'high',
  undefined,
  1,
  10,
  true,
  null,
  'Alpha',
  2.5,
  'é',
  '\uE000',
  '😀',
  false,
  -1,
  { nested: 1 },
  'alpha beta',
  0.1,
  3
];

const ids: string[] = [];
const people = ['bob', 'alice', 'carol'];
const owners: RunOwners = {
  of: id => {
    const i = ids.indexOf(id);
    if (i < 0 || i % 4 === 3) {
      return { visibility: 'team' };
    }
    const name = people[i % 3];
    return {
      author: { id: name, name, displayName: name.toUpperCase() + ' Q' },
      visibility: i % 5 === 0 ? 'private' : 'team'
    };
  }
};

beforeAll(async () => {
  pool = new Pool({ connectionString: await testDatabase(), max: 4 });
  for (const m of MIGRATIONS.slice(0, 2)) {
    await pool.query(m.up);
  }
  runs = new PgRuns({ pool });
  const events: TrailEvent[] = [];
  VALUES.forEach((v, i) => {
    const s = sessionEvent({
      startedAt: at(i % 7 === 6 ? 3 : i),
      notebookPath: i % 2 === 0 ? 'a.ipynb' : 'b/é.ipynb'
    });
    ids.push(s.session.id);
    const params: Record<string, unknown> = { i };
    if (v !== undefined) {
      params.v = v;
    }
    const x1 = executionEvent(s.session.id, 1, {
      capture: {
        params: params as never,
        metrics:
          typeof v === 'number'
            ? [
                { name: 'acc', value: v / 10, step: 1, at: at(i) },
                { name: 'acc', value: i % 3 === 0 ? NaN : v, at: at(i) }
              ]
            : [],
        tags: i % 3 === 0 ? ['baseline', 'x'] : i % 3 === 1 ? ['Final'] : [],
        files:
          i % 4 === 0
            ? [
                {
                  path: `data${i % 8}.csv`,
                  access: 'read',
                  kind: 'file',
                  sha256: i % 8 === 0 ? 'a'.repeat(64) : null
                }
              ]
            : []
      }
    });
    const more =
      i % 5 === 0
        ? [
            executionEvent(s.session.id, 2, {
              status: i % 10 === 0 ? 'error' : 'ok',
              endedAt: at(i + 30)
            })
          ]
        : [];
    events.push(s, x1, ...more);
    if (i % 6 === 0) {
      events.push(environmentEvent(s.session.id, 1));
    }
  });
  // An empty session, one known only by an execution, an annotation of
  // a stored execution, and one before its execution.
  const empty = sessionEvent({ startedAt: at(40) });
  ids.push(empty.session.id);
  events.push(empty);
  const orphan = 'ses-orphan-' + ids.length;
  ids.push(orphan);
  const ox = executionEvent(orphan, 4, { notebookPath: 'orphan.ipynb' });
  // Names that are no identifiers, `__proto__` among them.
  const odd = sessionEvent({ startedAt: at(41) });
  ids.push(odd.session.id);
  const oddParams: Record<string, unknown> = {};
  Object.defineProperty(oddParams, '__proto__', {
    value: 5,
    enumerable: true,
    writable: true,
    configurable: true
  });
  oddParams['a b'] = 'x';
  oddParams['it`s'] = true;
  const oddX = executionEvent(odd.session.id, 1, {
    capture: {
      params: oddParams as never,
      metrics: [{ name: 'm.min', value: 2, at: at(41) }]
    }
  });
  await append([...events, ox, odd, oddX]);
  const late = executionEvent(ids[1], 3, { status: 'interrupted' });
  await append([
    annotationEvent(late.execution, { params: { late: 'yes', v: 7 } })
  ]);
  await append([late]);
  const first = events.find(
    e => e.kind === 'execution.completed' && e.execution.sessionId === ids[4]
  ) as ReturnType<typeof executionEvent>;
  await append([annotationEvent(first.execution, { params: { v: 'later' } })]);
});

afterAll(async () => {
  await pool?.end();
  await stopStarted();
});

type Query = Omit<RunQuery, 'limit' | 'after'>;

/** Every page, `limit` at a time, as ids, with the totals seen. */
async function walk(
  query: (q: RunQuery) => Promise<{
    items: { id: string }[];
    next: RunKey | null;
    total: number;
  }>,
  q: Query,
  limit: number
): Promise<{ ids: string[]; totals: number[] }> {
  const out: string[] = [];
  const totals: number[] = [];
  let after: RunKey | undefined;
  let pages = 0;
  do {
    const page = await query({ ...q, limit, after });
    out.push(...page.items.map(r => r.id));
    totals.push(page.total);
    after = page.next ?? undefined;
  } while (after && ++pages < 100);
  return { ids: out, totals };
}

async function same(q: Query, limit = 100): Promise<string[]> {
  const want = await walk(r => memory.queryRuns(r), q, limit);
  const got = await walk(r => runs.query(r), q, limit);
  expect(got).toEqual(want);
  return got.ids;
}

const FILTERS = [
  '',
  'params.v = 3',
  'params.v != 3',
  'params.v > 2',
  'params.v >= 3',
  'params.v < 2.5',
  'params.v <= 1',
  'params.v > "alpha"',
  'params.v < "é"',
  'params.v >= "\uE000"',
  'params.v = true',
  'params.v != true',
  'params.v = false',
  'params.v > true',
  'params.v = null',
  'params.v != null',
  'params.v ~ "ALPHA"',
  'params.v ~ "é"',
  'params.v in [1, "high", true, null]',
  'params.v exists',
  'not params.v exists',
  'not params.v > 2',
  'not (params.v = 3 or params.v = "high")',
  'params.v = 3 and params.i > 5',
  'params.late = "yes"',
  'metrics.acc > 0.2',
  'metrics.acc = null',
  'metrics.acc != null',
  'metrics.acc.min < 0.2',
  'metrics.acc.max >= 1',
  'metrics.acc.count = 2',
  'metrics.acc exists',
  'tag = "baseline"',
  'tag != "baseline"',
  'tag ~ "fin"',
  'tag in ["x", "Final"]',
  'not tag = "x"',
  'tag exists',
  'input = "data0.csv"',
  'input != "data0.csv"',
  'input.sha256 = "' + 'a'.repeat(64) + '"',
  'input.sha256 exists',
  'input exists',
  'notebook = "a.ipynb"',
  'notebook ~ "É"',
  'notebook > "a"',
  'notebook = 3',
  'notebook != 3',
  'kind = "notebook"',
  'status = "failed"',
  'status != "ok"',
  'status in ["interrupted", "empty"]',
  'started >= "2026-03-01T10:05:00Z"',
  'started < "2026-03-01T10:05:00Z"',
  'started = "2026-03-01T10:03:00Z"',
  'started != "2026-03-01T10:03:00Z"',
  'started ~ "10:0"',
  'started != null',
  'started = null',
  'duration > 1000',
  'duration <= 1',
  'duration exists',
  'executions > 1',
  'executions = 0',
  'executions != "1"',
  'id = "' + 'nothing' + '"',
  'params.`__proto__` = 5',
  'params.`__proto__` exists',
  'params.`a b` = "x"',
  'params.`it\\`s` = true',
  'metrics.`m.min` = 2',
  'metrics.`m.min`.min <= 2'
];

describe('filters as SQL give what the memory store gives', () => {
  it.each(FILTERS)('%s', async text => {
    await same({ filter: parseFilter(text), sort: parseSort('-started') }, 7);
  });

  it('filters some runs in and some out (the cases are not vacuous)', async () => {
    const counts = await Promise.all(
      [
        'params.v > 2',
        'params.v ~ "ALPHA"',
        'tag = "baseline"',
        'params.`__proto__` = 5',
        'params.`it\\`s` = true',
        'metrics.`m.min`.min <= 2'
      ].map(
        async t =>
          (
            await runs.query({
              filter: parseFilter(t),
              sort: parseSort('-started'),
              limit: 100
            })
          ).total
      )
    );
    counts.forEach(c => expect(c).toBeGreaterThan(0));
  });

  it('applies notebook, dates and excluded ids', async () => {
    await same(
      {
        sort: parseSort('-started'),
        notebook: 'a.ipynb',
        from: Date.parse(at(2)),
        to: Date.parse(at(12)),
        excludeIds: new Set([ids[4], ids[6]])
      },
      2
    );
  });
});

const SORTS = [
  'params.v',
  '-params.v',
  'params.v,-params.i',
  'metrics.acc',
  '-metrics.acc',
  '-metrics.acc.min,params.v',
  'metrics.acc.count',
  'notebook,-started',
  'started',
  '-duration',
  'duration',
  'executions,status',
  '-kind,id',
  'id',
  '-params.late',
  'params.`__proto__`,-params.`a b`'
];

describe('sorts as SQL give what the memory store gives, page after page', () => {
  it.each(SORTS)('%s', async text => {
    for (const limit of [1, 4, 100]) {
      await same({ sort: parseSort(text) }, limit);
    }
  });

  it('sorts and filters by author with the owners lent', async () => {
    for (const text of ['author', '-author,params.v']) {
      const want = await walk(
        r => memory.queryRuns(r),
        { sort: parseSort(text), owners },
        3
      );
      const got = await walk(
        r => runs.query(r),
        { sort: parseSort(text), owners },
        3
      );
      expect(got).toEqual(want);
    }
    for (const text of [
      'author = "bob"',
      'author = "ALICE Q"',
      'author != "bob"',
      'author ~ "car"',
      'author exists',
      'not author exists'
    ]) {
      await same(
        { filter: parseFilter(text), sort: parseSort('-started'), owners },
        5
      );
    }
    // Without owners no run has an author (the memory store remembers
    // authors it was lent before, so this is PostgreSQL's answer alone).
    const none = await runs.query({
      filter: parseFilter('author exists'),
      sort: parseSort('author'),
      limit: 5
    });
    expect(none).toEqual({ items: [], next: null, total: 0 });
  });
});

describe('runs as SQL', () => {
  it('gives each run as the memory store does, decorated with its owner', async () => {
    for (const id of [...ids, 'ses-unknown']) {
      expect(await runs.get(id, owners)).toEqual(
        await memory.getRun(id, owners)
      );
    }
  });

  it('names params, metrics, tags and authors', async () => {
    const excluded = new Set([ids[0], ids[3]]);
    expect(await runs.names(excluded, owners)).toEqual(
      await memory.runNames(excluded, owners)
    );
    expect(await runs.names()).toEqual(await memory.runNames());
  });
});
