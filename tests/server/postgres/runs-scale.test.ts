/**
 * Run queries on PostgreSQL over many runs: random runs (params and
 * metrics of several types, some missing) go to a MemoryStore and to
 * trail_runs through PgRuns.stored, and the leaderboard's queries (sorts
 * on metrics and params, filters, pages after keys, totals) must agree
 * page by page; each query's time is printed (p50/p99 over repeats).
 *
 * 2,000 runs by default; TRAIL_RUNS_SCALE=100000 measures the bench's
 * scale (measured only: the memory store is too slow to fill there).
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';
import type { TrailEvent } from '../../../src/records/schema';
import { parseFilter, parseSort } from '../../../src/records/runs/filter';
import { MemoryStore } from '../../../server/store/memory-store';
import { PgRuns } from '../../../server/store/postgres/pg-runs';
import { MIGRATIONS } from '../../../server/store/postgres/migrations';
import type {
  RunKey,
  RunQuery,
  StoredEvent
} from '../../../server/store/types';
import { executionEvent, sessionEvent } from '../support/records';
import { stopStarted, testDatabase } from '../support/postgres';

const SCALE = Number(process.env.TRAIL_RUNS_SCALE ?? 2000);
const BATCH = 1000;
/**
 * Whether the memory store is filled and compared: its ingest slows down
 * past some ten thousand sessions (minutes for 100k), so the bench's scale
 * only measures.
 */
const COMPARED = SCALE <= 10_000;

let pool: Pool;
let runs: PgRuns;
const memory = new MemoryStore();

/** A small deterministic random generator (the same runs every time). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

beforeAll(async () => {
  // TRAIL_RUNS_DB: a database to keep between runs (filled once).
  const kept = process.env.TRAIL_RUNS_DB;
  pool = new Pool({ connectionString: kept ?? (await testDatabase()), max: 4 });
  runs = new PgRuns({ pool });
  if (kept && !COMPARED) {
    const made = await pool.query("SELECT to_regclass('trail_runs') AS t");
    if (made.rows[0].t !== null) {
      return;
    }
  }
  for (const m of MIGRATIONS.slice(0, 2)) {
    await pool.query(m.up);
  }
  const next = random(17);
  const models = ['rf', 'svm', 'mlp', 'gbm'];
  for (let start = 0; start < SCALE; start += BATCH) {
    const events: StoredEvent[] = [];
    for (let i = start; i < Math.min(SCALE, start + BATCH); i++) {
      const s = sessionEvent({
        startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        notebookPath: `nb${i % 20}.ipynb`
      });
      const r = next();
      const params: Record<string, unknown> = {
        model: models[i % 4],
        lr: Math.round(next() * 1000) / 1000,
        depth: i % 7
      };
      if (r < 0.1) {
        params.lr = 'auto';
      } else if (r < 0.2) {
        delete params.lr;
      }
      const x = executionEvent(s.session.id, 1, {
        capture: {
          params: params as never,
          metrics:
            r > 0.15
              ? [
                  { name: 'acc', value: next(), at: s.session.startedAt },
                  { name: 'loss', value: next() * 3, at: s.session.startedAt }
                ]
              : [],
          tags: i % 10 === 0 ? ['baseline'] : []
        }
      });
      events.push(s, x);
    }
    if (COMPARED) {
      await memory.append(events as TrailEvent[] as StoredEvent[]);
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await runs.stored(client, events);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  await pool.query('ANALYZE trail_runs');
}, 600_000);

afterAll(async () => {
  await pool?.end();
  await stopStarted();
});

const QUERIES: [string, Omit<RunQuery, 'limit'>][] = [
  ['newest first', { sort: parseSort('-started') }],
  ['best accuracy', { sort: parseSort('-metrics.acc') }],
  ['lowest loss', { sort: parseSort('metrics.loss.min') }],
  ['by lr (mixed types)', { sort: parseSort('params.lr,-metrics.acc') }],
  [
    'filtered: rf with acc > 0.9',
    {
      sort: parseSort('-metrics.acc'),
      filter: parseFilter('params.model = "rf" and metrics.acc > 0.9')
    }
  ],
  [
    'filtered: tag, notebook',
    {
      sort: parseSort('-started'),
      filter: parseFilter('tag = "baseline"'),
      notebook: 'nb0.ipynb'
    }
  ]
];

/** The first `pages` pages of a query, `limit` runs each. */
async function pagesOf(
  query: (q: RunQuery) => Promise<{
    items: { id: string }[];
    next: RunKey | null;
    total: number;
  }>,
  q: Omit<RunQuery, 'limit'>,
  limit: number,
  pages: number
): Promise<{ ids: string[]; total: number; after: RunKey | undefined }> {
  const ids: string[] = [];
  let after: RunKey | undefined;
  let total = 0;
  for (let p = 0; p < pages; p++) {
    const page = await query({ ...q, limit, after });
    ids.push(...page.items.map(r => r.id));
    total = page.total;
    after = page.next ?? undefined;
    if (!after) {
      break;
    }
  }
  return { ids, total, after };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

describe(`run queries over ${SCALE} runs`, () => {
  (COMPARED ? it.each(QUERIES) : it.skip.each(QUERIES))(
    '%s: the memory store’s pages and total',
    async (_name, q) => {
      const pages = 5;
      const want = await pagesOf(r => memory.queryRuns(r), q, 100, pages);
      const got = await pagesOf(r => runs.query(r), q, 100, pages);
      expect(got.ids).toEqual(want.ids);
      expect(got.total).toBe(want.total);
    }
  );

  it('answers the leaderboard’s queries in time (printed)', async () => {
    const lines: string[] = [];
    for (const [name, q] of QUERIES) {
      const third = (await pagesOf(r => runs.query(r), q, 100, 2)).after;
      for (const [label, after] of [
        ['first page', undefined],
        ['third page', third]
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < 30; i++) {
          const t0 = performance.now();
          await runs.query({ ...q, limit: 100, after });
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        lines.push(
          `${name}, ${label}: p50 ${percentile(times, 0.5).toFixed(1)} ms, p99 ${percentile(times, 0.99).toFixed(1)} ms`
        );
      }
    }
    const t0 = performance.now();
    await runs.names();
    lines.push(`names: ${(performance.now() - t0).toFixed(1)} ms`);
    process.stdout.write(
      `run queries over ${SCALE} runs on PostgreSQL\n${lines.join('\n')}\n`
    );
  }, 600_000);

  /**
   * The CPU one PostgreSQL backend spends on each query (page and count on
   * one connection, no parallel workers), read from /proc: what a query
   * costs whatever else the machine runs (wall times on a loaded machine
   * say more about the load). Needs the server on this machine.
   */
  it('prints the CPU time PostgreSQL spends per query', async () => {
    const url = process.env.TRAIL_RUNS_DB;
    if (!url) {
      return;
    }
    const single = new Pool({
      connectionString: url,
      max: 1,
      options: '-c max_parallel_workers_per_gather=0'
    });
    try {
      const { rows } = await single.query('SELECT pg_backend_pid() AS pid');
      const stat = (): number => {
        const fields = readFileSync(`/proc/${rows[0].pid}/stat`, 'utf8')
          .split(') ')[1]
          .split(' ');
        // utime and stime (fields 14 and 15), in clock ticks of 10 ms.
        return (Number(fields[11]) + Number(fields[12])) * 10;
      };
      const cpuRuns = new PgRuns({ pool: single });
      const lines: string[] = [];
      for (const [name, q] of QUERIES) {
        await cpuRuns.query({ ...q, limit: 100 });
        const before = stat();
        const repeats = 10;
        for (let i = 0; i < repeats; i++) {
          await cpuRuns.query({ ...q, limit: 100 });
        }
        lines.push(
          `${name}: ${((stat() - before) / repeats).toFixed(0)} ms CPU (page and total)`
        );
      }
      process.stdout.write(
        `PostgreSQL CPU per query over ${SCALE} runs\n${lines.join('\n')}\n`
      );
    } finally {
      await single.end();
    }
  }, 600_000);
});
