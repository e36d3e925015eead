/**
 * Text holding NUL (U+0000) and U+FFFF, which the file store keeps and
 * jsonb and text columns cannot hold as they are, round-trips through the
 * PostgreSQL store exactly (pg-json.ts's escape), answers as the memory
 * store answers, is found by search around the NUL and filtered on by
 * run queries; strings without them are stored as they are.
 */
import request from 'supertest';
import { parseSort } from '../../../src/records/runs/filter';
import type { RunQuery, StoredEvent } from '../../../server/store/types';
import { MemoryStore } from '../../../server/store/memory-store';
import {
  openDatabase,
  type PgDatabase
} from '../../../server/store/postgres/database';
import {
  parsePgJson,
  pgJson,
  pgText,
  unescapeText
} from '../../../server/store/postgres/pg-json';
import { PgStore } from '../../../server/store/postgres/pg-store';
import type { TrailStore } from '../../../server/store/types';
import { TOKEN } from '../support/server';
import { stopStarted, testDatabase } from '../support/postgres';
import {
  annotationEvent,
  executionEvent,
  sessionEvent
} from '../support/records';
import { openServer } from './feed-servers';

jest.setTimeout(60_000);

afterAll(stopStarted);

/** NUL, U+FFFF, and what the escape itself writes (U+FFFF '0'). */
const ODD = 'a\u0000b\uffffc\uffff0d\u0000';
const PATH = `nb/${ODD}.ipynb`;
const CELL = `cell-${ODD}`;

function history(): StoredEvent[] {
  const s = sessionEvent({ notebookPath: PATH });
  const sid = s.session.id;
  const x = executionEvent(sid, 1, {
    notebookPath: PATH,
    cellId: CELL,
    code: `print("${ODD}")\nneedle_before\u0000needle_after`,
    outputs: [
      {
        output_type: 'stream',
        name: 'stdout',
        text: `raw\u0000stdout ${ODD}\n`
      },
      {
        output_type: 'execute_result',
        execution_count: 1,
        data: { 'text/plain': ODD, [`text/${ODD}`]: 'x' },
        metadata: { [`key${ODD}`]: { [ODD]: [ODD] } }
      }
    ],
    capture: {
      params: { [`p${ODD}`]: ODD, plain: 'lr', note: 'a\u0000b' },
      metrics: [{ name: `m${ODD}`, value: 1, at: '2026-03-01T10:00:01.000Z' }],
      tags: [ODD]
    }
  });
  const y = executionEvent(sid, 2, { notebookPath: PATH, cellId: CELL });
  const note = annotationEvent(x.execution, {
    params: { later: ODD }
  });
  return [s, x, y, note];
}

describe('pg-json', () => {
  it('round-trips every string, keys too, and leaves plain ones alone', () => {
    for (const text of [
      '',
      'plain',
      ODD,
      '\uffff',
      '\uffff\uffff',
      '\uffff0',
      '\u0000\u0000',
      '0\uffff',
      'é \ud83d\ude00 \\u0000'
    ]) {
      expect(unescapeText(pgText(text))).toBe(text);
      expect(pgText(text)).not.toContain('\u0000');
      const value = { [text]: [text, { [text]: text }], n: 1, z: null };
      expect(parsePgJson(pgJson(value))).toEqual(value);
    }
    const plain = { a: ['b', 1, true, null], '\\u0000': 'c' };
    expect(pgJson(plain)).toBe(JSON.stringify(plain));
    // A key named __proto__ stays a key, on the way in and out.
    const proto = JSON.parse('{"__proto__": "a\\u0000"}');
    const back = parsePgJson(pgJson(proto)) as object;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back).toEqual(proto);
  });
});

describe('the PostgreSQL store with NUL and U+FFFF', () => {
  let db: PgDatabase;
  let pg: PgStore;
  const memory = new MemoryStore();
  const events = history();
  const [s, x, y] = events as [
    Extract<StoredEvent, { kind: 'session.started' }>,
    Extract<StoredEvent, { kind: 'execution.completed' }>,
    Extract<StoredEvent, { kind: 'execution.completed' }>
  ];

  beforeAll(async () => {
    db = openDatabase(await testDatabase(), { log: { warn: () => {} } });
    await db.migrate();
    pg = await PgStore.open(db);
    const stored = await pg.append(events);
    expect(stored.accepted).toHaveLength(events.length);
    await memory.append(events);
  });

  afterAll(async () => {
    await pg?.close();
    await db?.close();
  });

  /** The same answer from both stores, and it holds `ODD` where stored. */
  async function same<T>(read: (store: TrailStore) => Promise<T>) {
    const fromPg = await read(pg);
    expect(fromPg).toEqual(await read(memory));
    return fromPg;
  }

  it('gives back each execution and event exactly', async () => {
    const record = await same(store => store.getExecution(x.execution.id));
    expect(record?.code).toBe(x.execution.code);
    expect(record?.outputs).toEqual(x.execution.outputs);
    expect(record?.capture?.params).toEqual({
      ...x.execution.capture!.params,
      later: ODD
    });
    const scanned: StoredEvent[] = [];
    await pg.scanEvents(batch => {
      scanned.push(...batch);
    });
    expect(scanned).toEqual(events);
    const fromMemory: StoredEvent[] = [];
    await memory.scanEvents!(batch => {
      fromMemory.push(...batch);
    });
    expect(scanned).toEqual(fromMemory);
  });

  it('lists sessions, executions, a cell history and steps as the memory store', async () => {
    const session = await same(store => store.getSession(s.session.id));
    expect(session?.notebookPath).toBe(PATH);
    await same(store => store.listSessions({ limit: 10, notebook: PATH }));
    const page = await same(store =>
      store.listExecutions(s.session.id, { limit: 10 })
    );
    expect(page?.items.map(e => e.id)).toEqual([
      x.execution.id,
      y.execution.id
    ]);
    const cell = await same(store =>
      store.listCellExecutions({ notebook: PATH, cellId: CELL, limit: 10 })
    );
    expect(cell?.items).toHaveLength(2);
    await same(store => store.previousExecution(y.execution.id));
    const steps = await same(store => store.listSteps(s.session.id));
    expect(steps?.[0].cellId).toBe(CELL);
  });

  it('keeps runs and fingerprints as the memory store', async () => {
    const query = (filter?: RunQuery['filter']): RunQuery => ({
      filter,
      sort: parseSort('-started'),
      limit: 10
    });
    const all = await same(store => store.queryRuns(query()));
    expect(all.items[0].params).toMatchObject({ [`p${ODD}`]: ODD });
    // A param holding NUL compares by its escaped form: equal values match.
    for (const [name, value] of [
      [`p${ODD}`, ODD],
      ['note', 'a\u0000b'],
      ['plain', 'lr']
    ]) {
      const found = await same(store =>
        store.queryRuns(
          query({ op: '=', field: { field: 'params', name }, value })
        )
      );
      expect(found.total).toBe(1);
      const none = await same(store =>
        store.queryRuns(
          query({ op: '=', field: { field: 'params', name }, value: 'a' })
        )
      );
      expect(none.total).toBe(0);
    }
    await same(store =>
      store.queryRuns({ ...query(), sort: parseSort(`params.note`) })
    );
    await same(store => store.queryRuns({ ...query(), notebook: PATH }));
    await same(store => store.runNames());
    const fingerprint = await same(store =>
      store.fingerprintOf(x.execution.id)
    );
    expect(fingerprint).not.toBeNull();
    await same(store => store.sessionFingerprints(s.session.id));
  });

  it('searches the code and output text around the NUL (NUL kept there as U+FFFD)', async () => {
    const { rows } = await db.pool.query<{ code: string; output_text: string }>(
      'SELECT code, output_text FROM trail_executions WHERE id = $1',
      [x.execution.id]
    );
    expect(rows[0].code).toBe(x.execution.code.replaceAll('\u0000', '\ufffd'));
    expect(rows[0].output_text).toContain('raw\ufffdstdout');
  });
});

describe('search and ingest through the API', () => {
  it('ingests such a history, finds it by text around the NUL, and reads it back', async () => {
    const server = await openServer(await testDatabase());
    try {
      const events = history();
      const x = events[1] as Extract<
        StoredEvent,
        { kind: 'execution.completed' }
      >;
      // The API takes mime types of the nbformat pattern only.
      const output = x.execution.outputs[1] as {
        data: Record<string, unknown>;
      };
      delete output.data[`text/${ODD}`];
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const posted = await request(server.app)
        .post('/api/v1/events')
        .set(auth)
        .send({ events });
      expect(posted.status).toBe(200);
      expect(posted.body.accepted).toHaveLength(events.length);
      for (const term of ['needle_before', 'needle_after', 'stdout']) {
        const found = await request(server.app)
          .get(`/api/v1/search?q=${term}`)
          .set(auth)
          .expect(200);
        expect(found.body.items.map((h: any) => h.execution.id)).toEqual([
          x.execution.id
        ]);
      }
      const read = await request(server.app)
        .get(`/api/v1/executions/${x.execution.id}`)
        .set(auth)
        .expect(200);
      expect(read.body.code).toBe(x.execution.code);
      expect(read.body.outputs).toEqual(x.execution.outputs);
    } finally {
      await server.close();
    }
  });
});
