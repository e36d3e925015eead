/**
 * The client's contract with the real server: every TrailClient method,
 * over real HTTP against the real app, gets an answer that passes the
 * client's generated validators (a TrailClient rejects any other with
 * invalid_response). The server's answers and the schema/api envelopes can
 * then not drift apart unnoticed.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { TrailClient } from '../../src/client/client';
import {
  annotationEvent,
  bigPng,
  environmentEvent,
  executionEvent,
  imageOutput,
  sessionEvent
} from './support/records';
import {
  openFileApp,
  removeTempDirs,
  TOKEN,
  type FileApp
} from './support/server';

let server: FileApp;
let listening: Server;
let client: TrailClient;

beforeAll(async () => {
  server = await openFileApp();
  listening = server.app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => listening.once('listening', resolve));
  const { port } = listening.address() as AddressInfo;
  client = new TrailClient({
    baseUrl: `http://127.0.0.1:${port}`,
    token: TOKEN
  });
});

afterAll(async () => {
  listening.closeAllConnections();
  await new Promise(resolve => listening.close(resolve));
  await server.close();
  await removeTempDirs();
});

describe('every client method gets an answer that fits its schema', () => {
  it('from a history with sessions, captures, environments and blobs', async () => {
    const session = sessionEvent({ notebookPath: 'contract/a.ipynb' });
    const sid = session.session.id;
    const runs = [1, 2].map(seq =>
      executionEvent(sid, seq, {
        notebookPath: 'contract/a.ipynb',
        cellId: 'train',
        code: `contract_marker = ${seq}`,
        outputs: [imageOutput(bigPng(`contract-${seq}`))]
      })
    );
    const derivedOnly = executionEvent('ses-contract-derived', 1);
    const late = annotationEvent(runs[1].execution, {
      params: { lr: 0.1 },
      metrics: [{ name: 'loss', value: 0.2, at: '2026-03-01T10:00:03.000Z' }]
    });
    const cursor = (await client.getChanges()).cursor;

    const ingested = await client.ingest({
      events: [session, ...runs, derivedOnly, environmentEvent(sid, 1), late]
    });
    expect(ingested.accepted).toHaveLength(6);
    expect((await client.health()).status).toBe('ok');
    expect(await client.checkCompatibility()).toBeNull();

    const sessions = await client.listSessions({ limit: 1 });
    expect(sessions.items).toHaveLength(1);
    expect(sessions.nextCursor).not.toBeNull();
    const summary = await client.getSession(sid);
    const executions = await client.listExecutions(sid);
    expect(executions.items.map(e => e.seq)).toEqual([1, 2]);
    const cell = await client.listCellExecutions({
      notebook: 'contract/a.ipynb',
      cellId: 'train'
    });
    expect(cell.items).toHaveLength(2);
    const full = await client.getExecution(runs[0].execution.id);
    const [image] = await client.resolveOutputs(full.outputs);
    expect((image as any).data['image/png']).toBe(bigPng('contract-1'));
    const previous = await client.getPreviousExecution(runs[1].execution.id);
    expect(previous?.id).toBe(runs[0].execution.id);
    expect(await client.getPreviousExecution(runs[0].execution.id)).toBeNull();
    const snapshot = await client.getEnvironment(summary.environments![0].id);
    expect(snapshot.language.name).toBe('python');

    const me = await client.getMe();
    expect((await client.listUsers()).map(u => u.id)).toContain(me.id);
    const notebooks = await client.listNotebooks({ author: me.id });
    expect(notebooks.items.map(n => n.notebookPath)).toContain(
      'contract/a.ipynb'
    );
    const hits = await client.search({ q: 'contract_marker' });
    expect(hits.items).toHaveLength(2);
    expect(typeof hits.truncated).toBe('boolean');
    const changes = await client.getChanges({ after: cursor });
    expect(changes.changes.length).toBeGreaterThan(0);

    const privateSession = await client.setSessionVisibility(sid, 'private');
    expect(privateSession.visibility).toBe('private');
    const result = await client.setNotebookVisibility(
      'contract/a.ipynb',
      'team'
    );
    expect(result).toMatchObject({ visibility: 'team', sessions: 1 });
  });

  it('from a session with inputs and a replay of it (#13)', async () => {
    const source = sessionEvent({ notebookPath: 'contract/replayed.ipynb' });
    const sid = source.session.id;
    const read = executionEvent(sid, 1, {
      notebookPath: 'contract/replayed.ipynb',
      capture: {
        files: [
          {
            path: 'data/in.csv',
            access: 'read',
            kind: 'file',
            sha256: 'a'.repeat(64),
            size: 10,
            schema: { format: 'csv', columns: [{ name: 'x', type: 'int64' }] }
          }
        ]
      }
    });
    const replay = sessionEvent({
      notebookPath: 'contract/replay.ipynb',
      lineage: { kind: 'replay', sessionId: sid, step: 1 }
    });
    await client.ingest({
      events: [source, read, environmentEvent(sid, 1), replay]
    });
    const inputs = await client.getInputs(sid, 1);
    expect(inputs.inputs.map(i => i.path)).toEqual(['data/in.csv']);
    expect(inputs.environment?.language.name).toBe('python');
    const report = await client.preflight(sid, {
      upto: 1,
      environment: inputs.environment,
      files: [{ path: 'data/in.csv', exists: false }]
    });
    expect(report.files).toEqual([
      { path: 'data/in.csv', step: 1, state: 'missing' }
    ]);
    expect(report.ready).toBe(false);
    const replays = await client.listReplays(sid);
    expect(replays.items.map(s => [s.id, s.lineage])).toEqual([
      [replay.session.id, { kind: 'replay', sessionId: sid, step: 1 }]
    ]);
  });

  it('from two identical sessions: fingerprints and lookups (#16)', async () => {
    const sessions = [1, 2].map(() =>
      sessionEvent({ notebookPath: 'contract/same.ipynb' })
    );
    const runs = sessions.map(s =>
      [1, 2].map(seq =>
        executionEvent(s.session.id, seq, {
          notebookPath: 'contract/same.ipynb',
          // Code no other test of this file's shared store runs.
          code: `fingerprinted_${seq} = ${seq}`
        })
      )
    );
    await client.ingest({ events: [...sessions, ...runs.flat()] });
    const identical = await client.identicalExecutions(runs[1][1].execution.id);
    expect(identical.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(identical.matches.map(m => [m.executionId, m.step])).toEqual([
      [runs[0][1].execution.id, 2]
    ]);
    const lookup = await client.lookupFingerprint({
      sessionId: sessions[1].session.id,
      previousExecutionId: runs[1][0].execution.id,
      code: runs[0][1].execution.code
    });
    expect(lookup.state).toBe('ok');
    expect(lookup.matches.map(m => m.executionId)).toEqual([
      runs[0][1].execution.id
    ]);
    const prefix = await client.identicalPrefix(sessions[1].session.id);
    expect(prefix.matches).toEqual([
      expect.objectContaining({ sessionId: sessions[0].session.id, step: 2 })
    ]);
  });

  it('from a session and a fork of it (#14)', async () => {
    const source = sessionEvent({ notebookPath: 'contract/forked.ipynb' });
    const sid = source.session.id;
    const schema = {
      format: 'csv' as const,
      columns: [{ name: 'x', type: 'int64' }],
      rows: null
    };
    const read = executionEvent(sid, 1, {
      notebookPath: 'contract/forked.ipynb',
      capture: {
        files: [
          {
            path: 'data/in.csv',
            access: 'read',
            kind: 'file',
            sha256: 'a'.repeat(64),
            size: 10,
            schema
          }
        ],
        params: { n: 1 },
        metrics: [{ name: 'acc', value: 0.5, at: '2026-03-01T10:00:01.000Z' }]
      }
    });
    const substitutions = [{ recorded: 'data/in.csv', path: 'mine.csv' }];
    const fork = sessionEvent({
      notebookPath: 'contract/fork.ipynb',
      lineage: { kind: 'fork', sessionId: sid, step: 1, substitutions }
    });
    const forkRun = executionEvent(fork.session.id, 1, {
      notebookPath: 'contract/fork.ipynb',
      capture: {
        files: [
          {
            path: 'mine.csv',
            access: 'read',
            kind: 'file',
            sha256: 'b'.repeat(64),
            size: 12,
            schema
          }
        ],
        params: { n: 1 },
        metrics: [{ name: 'acc', value: 0.75, at: '2026-03-01T10:00:01.000Z' }]
      }
    });
    await client.ingest({ events: [source, read, fork, forkRun] });
    const report = await client.contract(sid, {
      upto: 1,
      map: substitutions,
      files: [
        { path: 'mine.csv', exists: true, kind: 'file', size: 0, table: schema }
      ]
    });
    expect(report.ok).toBe(false);
    expect(report.entries[0].problems.map(p => p.code)).toEqual(['empty']);
    const comparison = await client.parentComparison(fork.session.id);
    expect(comparison.parent).toMatchObject({ sessionId: sid, kind: 'fork' });
    expect(comparison.inputs[0].fork.sha256).toBe('b'.repeat(64));
    expect(comparison.metrics).toEqual([
      { name: 'acc', parent: 0.5, fork: 0.75, same: false }
    ]);
    expect(comparison.steps.map(s => s.verdict)).toEqual(['same']);
    const forks = await client.listReplays(sid);
    expect(forks.items[0].lineage).toEqual({
      kind: 'fork',
      sessionId: sid,
      step: 1,
      substitutions
    });
  });

  it('from a session exported as a pipeline (#15)', async () => {
    // The in-process app runs the code analysis in TRAIL_PYTHON.
    const before = process.env.TRAIL_PYTHON;
    process.env.TRAIL_PYTHON = join(
      __dirname,
      '..',
      '..',
      '.venv',
      'bin',
      'python'
    );
    try {
      const source = sessionEvent({ notebookPath: 'contract/fit.ipynb' });
      const sid = source.session.id;
      const fit = executionEvent(sid, 1, {
        notebookPath: 'contract/fit.ipynb',
        code: 'n = 3\ntrail.log_param("n", n)\nopen("out.txt", "w").write(str(n))',
        capture: {
          files: [
            {
              path: 'out.txt',
              access: 'write',
              kind: 'file',
              sha256: 'c'.repeat(64),
              size: 1
            }
          ],
          params: { n: 3 }
        }
      });
      await client.ingest({ events: [source, fit] });
      const result = await client.exportPipeline(sid, { folder: 'out' });
      expect(result.kept.map(k => k.step)).toEqual([1]);
      expect(result.expected.files).toEqual([
        { path: 'out.txt', sha256: 'c'.repeat(64) }
      ]);
      expect(result.params[0]).toMatchObject({ name: 'n', overridable: true });
      expect(
        result.files.find(f => f.path === 'pipeline.py')?.content
      ).toContain('n = PARAMS["n"]');
      // No body: every default.
      expect((await client.exportPipeline(sid)).folder).toMatch(
        /^pipelines\/fit-\d{4}-\d{2}-\d{2}$/
      );
    } finally {
      if (before === undefined) {
        delete process.env.TRAIL_PYTHON;
      } else {
        process.env.TRAIL_PYTHON = before;
      }
    }
  });
});
