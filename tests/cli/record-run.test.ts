/**
 * A run of an exported pipeline recorded to a real Trail server (#15
 * contract D): pipeline.py written by buildPipeline, run by .venv's Python
 * with TRAIL_URL/TRAIL_TOKEN set, its seam finding
 * jupyterlab_trail.pipeline_run, which runs the bundled `trail record-run`.
 * The server then has a session of one execution, lineage export, listed
 * among the exported session's replays, with the run's capture (the input
 * read with its sha256, the output written, params, metrics) and its
 * environment.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TrailClient } from '../../src/client';
import { buildPipeline } from '../../src/records/export/pipeline';
import {
  ROOT,
  buildServer,
  startServer,
  type RunningServer
} from '../server/support/process';
import {
  CSV,
  capturedFile,
  ingestExportedSession,
  pipelineRunSpec,
  sha256
} from './pipeline-run-support';
import { PYTHON, bundleCli, cleanEnv, runCli } from './support';

jest.setTimeout(180000);

const TOKEN = 'record-run-owner-token-0123456789';

let tmp: string;
let work: string;
let folder: string;
let bundle: string;
let server: RunningServer;
let client: TrailClient;
let sourceId: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'trail-record-run-'));
  work = join(tmp, 'work');
  folder = join(work, 'pipelines', 'train');
  bundle = join(tmp, 'trail.cjs');
  buildServer();
  bundleCli(bundle);
  server = await startServer(join(tmp, 'data'), TOKEN);
  client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
  sourceId = await ingestExportedSession(client, 'work/train.ipynb');
  for (const file of buildPipeline(pipelineRunSpec(sourceId)).files) {
    const path = join(folder, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  mkdirSync(join(work, 'data'));
  writeFileSync(join(work, 'data', 'train.csv'), CSV);
});

afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs pipeline.py from the notebook's folder, recording through the bundle. */
function runPipeline(extra: NodeJS.ProcessEnv = {}) {
  return spawnSync(PYTHON, [join(folder, 'pipeline.py'), '--lr', '0.5'], {
    cwd: work,
    encoding: 'utf-8',
    env: cleanEnv({
      PYTHONPATH: ROOT,
      TRAIL_URL: server.line.url,
      TRAIL_TOKEN: TOKEN,
      TRAIL_CLI: bundle,
      TRAIL_NODE: process.execPath,
      TRAIL_RUN_RESULT: join(tmp, 'result.json'),
      ...extra
    }),
    timeout: 150000
  });
}

describe('trail record-run: a run of an exported pipeline recorded to Trail', () => {
  it('records the run as a session linked to the exported one, with its capture and environment', async () => {
    const run = runPipeline();
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('rows 3\n');
    const answer = JSON.parse(readFileSync(join(tmp, 'result.json'), 'utf-8'));
    expect(run.stderr).toContain(
      `trail: run recorded as session ${answer.sessionId}`
    );

    const session = await client.getSession(answer.sessionId);
    expect(session.lineage).toEqual({
      kind: 'export',
      sessionId: sourceId,
      step: 3
    });
    expect(session.notebookPath).toBe('work/pipelines/train/pipeline.py');
    expect(session.executionCount).toBe(1);
    expect(session.kernel).toMatchObject({
      language: 'python',
      displayName: 'Python (pipeline run)'
    });

    // The exported session lists it with its replays and forks.
    const replays = await client.listReplays(sourceId);
    expect(replays.items.map(s => s.id)).toEqual([answer.sessionId]);

    const execution = await client.getExecution(answer.executionId);
    expect(execution.status).toBe('ok');
    expect(execution.code).toBe(
      readFileSync(join(folder, 'pipeline.py'), 'utf-8')
    );
    expect(execution.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'rows 3\n' }
    ]);
    const input = capturedFile(execution, 'data/train.csv');
    expect(input).toMatchObject({ access: 'read', sha256: sha256(CSV) });
    const model = capturedFile(execution, 'model.txt');
    expect(model.access).toBe('write');
    expect(model.sha256).toBe(sha256(readFileSync(join(work, 'model.txt'))));
    expect(readFileSync(join(work, 'model.txt'), 'utf-8')).toBe('weight=1.0\n');
    expect(capturedFile(execution, 'pipelines/train/metrics.json').access).toBe(
      'write'
    );
    expect(execution.capture?.params).toEqual({ lr: 0.5 });
    expect(execution.capture?.metrics?.map(m => [m.name, m.value])).toEqual([
      ['mse', 14 / 3]
    ]);

    expect(session.environments?.length).toBe(1);
    const environment = await client.getEnvironment(
      session.environments![0].id
    );
    expect(environment.language.executable).toBe(PYTHON);
    expect(environment.platform.cwd).toBe(work);
    expect(environment.packages.some(p => p.name === 'jupyterlab-trail')).toBe(
      true
    );
  });

  it('records a run that failed as an error, with its traceback', async () => {
    writeFileSync(join(work, 'data', 'train.csv'), 'x,y\n1,oops\n');
    try {
      const run = runPipeline();
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        "ValueError: could not convert string to float: 'oops'"
      );
      const answer = JSON.parse(
        readFileSync(join(tmp, 'result.json'), 'utf-8')
      );
      const execution = await client.getExecution(answer.executionId);
      expect(execution.status).toBe('error');
      expect(execution.error).toEqual({
        ename: 'ValueError',
        evalue: "could not convert string to float: 'oops'"
      });
      const error = execution.outputs.find(o => o.output_type === 'error');
      expect(error).toMatchObject({ ename: 'ValueError' });
      expect(capturedFile(execution, 'data/train.csv').sha256).toBe(
        sha256('x,y\n1,oops\n')
      );
    } finally {
      writeFileSync(join(work, 'data', 'train.csv'), CSV);
    }
  });

  it('refuses a capture file that names no exported session, recording nothing', async () => {
    const capture = join(tmp, 'bad.json');
    writeFileSync(capture, JSON.stringify({ version: 1, source: {} }));
    const before = (await client.listSessions()).items.length;
    const run = await runCli(
      bundle,
      ['record-run', capture],
      work,
      cleanEnv({ TRAIL_URL: server.line.url, TRAIL_TOKEN: TOKEN })
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'trail record-run: The run capture names no exported session (source.session)'
    );
    expect((await client.listSessions()).items.length).toBe(before);
  });
});
