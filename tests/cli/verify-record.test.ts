/**
 * A verification run recorded to a real Trail server (contract C with E4's
 * recorder): verifyPipeline, given `record`, runs pipeline.py in a fresh
 * venv that can import jupyterlab_trail and nothing else of .venv; the
 * pipeline's seam finds jupyterlab_trail.pipeline_run, whose `trail
 * record-run` (the bundled command) delivers the run as a session with
 * lineage export, linked to the exported session, and the report names it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrailClient } from '../../src/client';
import { verifyPipeline } from '../../src/cli/verify';
import {
  buildServer,
  startServer,
  type RunningServer
} from '../server/support/process';
import { sampleSpec, writePipeline } from '../records/export-pipeline-support';
import { CSV, ingestExportedSession, sha256 } from './pipeline-run-support';
import { PYTHON, bundleCli, cleanEnv } from './support';

jest.setTimeout(180000);

const TOKEN = 'verify-record-owner-token-0123456789';

let tmp: string;
let bundle: string;
let server: RunningServer;
let client: TrailClient;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-verify-record-'));
  bundle = join(tmp, 'trail.cjs');
  buildServer();
  bundleCli(bundle);
  server = await startServer(join(tmp, 'data'), TOKEN);
  client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
});

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

it('records the verification run as a session of lineage export, and reports it', async () => {
  const sourceId = await ingestExportedSession(client, 'train.ipynb');
  const folder = writePipeline(
    sampleSpec({
      source: {
        sessionId: sourceId,
        notebookPath: 'train.ipynb',
        step: 1,
        target: { kind: 'session' }
      },
      steps: [
        {
          step: 1,
          executionId: 'exec-1',
          cellId: 'fit',
          reason: 'writes model.txt; logs rows',
          python: [
            'import trail',
            'rows = open("data/train.csv").read().splitlines()[1:]',
            'trail.log_param("lr", PARAMS["lr"])',
            'trail.log_metric("rows", len(rows))',
            'with open("model.txt", "w") as f:',
            '    f.write("rows=%d\\n" % len(rows))'
          ].join('\n'),
          imports: ['trail']
        }
      ],
      params: { lr: 0.1 },
      wiredParams: ['lr'],
      metrics: ['rows'],
      metricValues: { rows: 3 },
      inputs: [
        {
          path: 'data/train.csv',
          step: 1,
          kind: 'file',
          sha256: sha256(CSV)
        }
      ],
      outputs: ['model.txt'],
      pipRequirements: [],
      environment: undefined,
      dropped: [],
      untranslated: []
    }),
    join(tmp, 'work')
  );
  mkdirSync(join(folder, 'data'));
  writeFileSync(join(folder, 'data', 'train.csv'), CSV);

  const report = await verifyPipeline({
    folder,
    python: PYTHON,
    expected: {
      files: [{ path: 'model.txt', sha256: sha256('rows=3\n') }],
      metrics: [{ name: 'rows', value: 3 }],
      params: [{ name: 'lr', value: 0.1 }]
    },
    tolerance: {},
    record: { url: server.line.url, token: TOKEN },
    // How to run the recorder: the command bundled from this tree.
    env: cleanEnv({ TRAIL_CLI: bundle, TRAIL_NODE: process.execPath })
  });
  expect(report.environment).toMatchObject({
    installed: true,
    requirements: 0
  });
  expect(report.reproduced).toBe(true);
  const recorded = report.run?.recordedAs;
  expect(recorded?.sessionId).toBeTruthy();
  expect(report.run?.recording).toBe(
    `recorded as session ${recorded!.sessionId} on ${server.line.url}`
  );
  expect(report.run?.stderr).toContain(
    `run recorded as session ${recorded!.sessionId}`
  );

  const session = await client.getSession(recorded!.sessionId);
  expect(session.lineage).toEqual({
    kind: 'export',
    sessionId: sourceId,
    step: 1
  });
  const replays = await client.listReplays(sourceId);
  expect(replays.items.map(s => s.id)).toEqual([recorded!.sessionId]);
  const execution = await client.getExecution(recorded!.executionId!);
  expect(execution.status).toBe('ok');
  expect(execution.capture?.params).toEqual({ lr: 0.1 });
  expect(execution.capture?.metrics?.map(m => [m.name, m.value])).toEqual([
    ['rows', 3]
  ]);
  // It ran in the verification's venv, not in .venv.
  const environment = await client.getEnvironment(session.environments![0].id);
  expect(environment.language.executable).toBe(
    join(report.environment.venv, 'bin', 'python')
  );
  expect(environment.packages.some(p => p.name === 'numpy')).toBe(false);
});
