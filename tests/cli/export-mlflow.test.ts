/**
 * The MLflow and notebook forms of an exported pipeline, run for real
 * (needs .venv with mlflow-skinny and papermill: scripts/setup.sh --tests):
 * `mlflow run . --env-manager local [-P lr=0.5]` and `papermill
 * pipeline.ipynb out.ipynb -p lr 0.5`, each from the pipeline's folder (a
 * subfolder of the notebook's, so the recorded relative paths must still
 * resolve), write the model and metrics.json a run of pipeline.py writes,
 * the param changing the metric; and each run lands in Trail (a real
 * server on loopback, reached through TRAIL_URL/TRAIL_TOKEN as
 * pipeline_run.py expects) as one session of lineage export with its
 * params, metric and files. The commands are the README's.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrailClient } from '../../src/client';
import {
  buildServer,
  startServer,
  type RunningServer
} from '../server/support/process';
import {
  sampleSpec,
  VENV_BIN,
  writePipeline
} from '../records/export-pipeline-support';
import {
  CSV,
  capturedFile,
  ingestExportedSession,
  pipelineRunResult,
  pipelineRunSpec,
  recordingEnv,
  sha256,
  type RecordingTarget
} from './pipeline-run-support';
import { bundleCli } from './support';

jest.setTimeout(180000);

const TOKEN = 'export-mlflow-owner-token-0123456789';

let tmp: string;
let work: string;
let folder: string;
let target: RecordingTarget;
let server: RunningServer;
let client: TrailClient;
let sourceId: string;

beforeAll(async () => {
  for (const tool of ['mlflow', 'papermill']) {
    if (!existsSync(join(VENV_BIN, tool))) {
      throw new Error(
        `${tool} is not installed in .venv: run scripts/setup.sh --tests`
      );
    }
  }
  tmp = mkdtempSync(join(tmpdir(), 'trail-export-mlflow-'));
  work = join(tmp, 'work');
  folder = join(work, 'pipelines', 'train');
  target = {
    url: '',
    token: TOKEN,
    bundle: join(tmp, 'trail.cjs'),
    result: join(tmp, 'result.json')
  };
  buildServer();
  bundleCli(target.bundle);
  server = await startServer(join(tmp, 'data'), TOKEN);
  target.url = server.line.url;
  client = new TrailClient({ baseUrl: server.line.url, token: TOKEN });
  sourceId = await ingestExportedSession(client, 'work/train.ipynb');
  writePipeline(pipelineRunSpec(sourceId), folder);
  mkdirSync(join(work, 'data'));
  writeFileSync(join(work, 'data', 'train.csv'), CSV);
});

afterAll(async () => {
  await server?.stop();
  // Unset when beforeAll stopped early (a tool missing): its error says why.
  if (tmp) {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** How a tool's run ended. */
interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of .venv's tools in `cwd` (default: the pipeline's folder),
 * recording to the test's server unless `env` says otherwise. Not
 * spawnSync: a blocked event loop would leave the client a pooled
 * connection the server closed meanwhile (its keep-alive is 5 s).
 */
function run(
  tool: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
): Promise<ToolRun> {
  rmSync(target.result, { force: true });
  rmSync(join(work, 'model.txt'), { force: true });
  rmSync(join(folder, 'metrics.json'), { force: true });
  const child = spawn(join(VENV_BIN, tool), args, {
    cwd: options.cwd ?? folder,
    env: recordingEnv(target, {
      // mlflow's `python` (--env-manager local) and papermill's python3 kernel: .venv's.
      PATH: `${VENV_BIN}:${process.env.PATH}`,
      // MLflow's file store, in a temporary folder (MLflow 3 asks to opt in to it).
      MLFLOW_TRACKING_URI: `file:${join(tmp, 'mlruns')}`,
      MLFLOW_ALLOW_FILE_STORE: 'true',
      ...options.env
    }),
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const done: ToolRun = { status: null, stdout: '', stderr: '' };
  child.stdout.on('data', chunk => (done.stdout += chunk));
  child.stderr.on('data', chunk => (done.stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', status => {
      clearTimeout(timer);
      resolve({ ...done, status });
    });
  });
}

function expectRan(
  done: ToolRun,
  lr: number
): { sessionId: string; executionId: string } {
  if (done.status !== 0) {
    throw new Error(`exited ${done.status}:\n${done.stdout}\n${done.stderr}`);
  }
  const expected = pipelineRunResult(lr);
  // Outputs land in the notebook's folder, as the recorded run wrote them.
  expect(readFileSync(join(work, 'model.txt'), 'utf-8')).toBe(expected.model);
  expect(
    JSON.parse(readFileSync(join(folder, 'metrics.json'), 'utf-8'))
  ).toEqual({ mse: expected.mse });
  const answer = JSON.parse(readFileSync(target.result, 'utf-8'));
  expect(done.stderr).toContain(
    `trail: run recorded as session ${answer.sessionId}`
  );
  return answer;
}

/** The recorded run: a session of lineage export to the source, its one execution. */
async function expectRecorded(
  answer: { sessionId: string; executionId: string },
  lr: number,
  notebookPath: string
) {
  const session = await client.getSession(answer.sessionId);
  expect(session.lineage).toEqual({
    kind: 'export',
    sessionId: sourceId,
    step: 3
  });
  expect(session.notebookPath).toBe(notebookPath);
  expect(session.executionCount).toBe(1);
  const replays = await client.listReplays(sourceId);
  expect(replays.items.map(s => s.id)).toContain(answer.sessionId);
  const execution = await client.getExecution(answer.executionId);
  expect(execution.capture?.params).toEqual({ lr });
  expect(execution.capture?.metrics?.map(m => [m.name, m.value])).toEqual([
    ['mse', pipelineRunResult(lr).mse]
  ]);
  expect(capturedFile(execution, 'data/train.csv')).toMatchObject({
    access: 'read',
    sha256: sha256(CSV)
  });
  expect(capturedFile(execution, 'model.txt')).toMatchObject({
    access: 'write',
    sha256: sha256(pipelineRunResult(lr).model)
  });
  return execution;
}

describe('mlflow run of an exported pipeline', () => {
  it('runs the MLproject with its recorded param, and with -P lr=0.5, each run recorded in Trail and its metric logged to MLflow', async () => {
    const mlproject = readFileSync(join(folder, 'MLproject'), 'utf-8');
    expect(mlproject).toContain('lr: {type: float, default: 0.1}');

    const recorded = await run('mlflow', [
      'run',
      '.',
      '--env-manager',
      'local'
    ]);
    const first = expectRan(recorded, 0.1);
    await expectRecorded(first, 0.1, 'work/pipelines/train/pipeline.py');

    const overridden = await run('mlflow', [
      'run',
      '.',
      '--env-manager',
      'local',
      '-P',
      'lr=0.5'
    ]);
    const second = expectRan(overridden, 0.5);
    expect(pipelineRunResult(0.5).mse).not.toBe(pipelineRunResult(0.1).mse);
    const execution = await expectRecorded(
      second,
      0.5,
      'work/pipelines/train/pipeline.py'
    );
    expect(execution.status).toBe('ok');
    expect(execution.code).toBe(
      readFileSync(join(folder, 'pipeline.py'), 'utf-8')
    );
    expect(second.sessionId).not.toBe(first.sessionId);

    // MLflow tracked both runs, the param as given.
    const runId = /Run \(ID '([0-9a-f]+)'\) succeeded/.exec(
      overridden.stderr
    )?.[1];
    expect(runId).toBeTruthy();
    const experiment = join(tmp, 'mlruns', '0');
    expect(
      readFileSync(join(experiment, runId!, 'params', 'lr'), 'utf-8')
    ).toBe('0.5');
    // The metric the code logs with trail.log_metric went to that MLflow
    // run too (the file store keeps "timestamp value step" per point).
    const [, value, step] = readFileSync(
      join(experiment, runId!, 'metrics', 'mse'),
      'utf-8'
    )
      .trim()
      .split(/\s+/);
    expect(Number(value)).toBeCloseTo(pipelineRunResult(0.5).mse, 10);
    expect(step).toBe('0');
    expect(
      readdirSync(experiment).filter(name => /^[0-9a-f]{32}$/.test(name))
    ).toHaveLength(2);
  });

  it('hands every kind of param through the MLproject in the type it was recorded in', async () => {
    const spec = sampleSpec({
      steps: [
        {
          step: 1,
          executionId: 'exec-1',
          cellId: 'show',
          reason: 'writes used.json',
          python:
            'import json\nwith open("used.json", "w") as f:\n    json.dump(PARAMS, f)',
          imports: ['json']
        }
      ],
      inputs: [],
      outputs: ['used.json'],
      pipRequirements: [],
      untranslated: []
    });
    const params = join(tmp, 'params');
    writePipeline(spec, params);
    const used = () =>
      JSON.parse(readFileSync(join(params, 'used.json'), 'utf-8'));
    const env = { TRAIL_DISABLED: '1' };

    const defaults = await run(
      'mlflow',
      ['run', '.', '--env-manager', 'local'],
      {
        cwd: params,
        env
      }
    );
    expect(defaults.status).toBe(0);
    // Each param as recorded; the one whose name cannot be an MLflow
    // parameter ('model.depth') from params.yaml.
    expect(used()).toEqual(spec.params);

    const given = await run(
      'mlflow',
      [
        'run',
        '.',
        '--env-manager',
        'local',
        '-P',
        'epochs=5',
        '-P',
        'shuffle=false',
        '-P',
        "name=it's {x} & $HOME",
        '-P',
        'seed=7',
        '-P',
        'model.depth=6'
      ],
      { cwd: params, env }
    );
    expect(given.status).toBe(0);
    expect(used()).toEqual({
      ...spec.params,
      epochs: 5,
      shuffle: false,
      name: "it's {x} & $HOME",
      seed: '7',
      'model.depth': 6
    });
  });
});

describe('papermill run of the notebook form', () => {
  it('runs pipeline.ipynb with -p lr 0.5 in a python3 kernel, recorded once as the notebook', async () => {
    const done = await run('papermill', [
      'pipeline.ipynb',
      'out.ipynb',
      '-p',
      'lr',
      '0.5'
    ]);
    const answer = expectRan(done, 0.5);
    const execution = await expectRecorded(
      answer,
      0.5,
      'work/pipelines/train/pipeline.ipynb'
    );
    expect(execution.status).toBe('ok');
    // Its code is the notebook's code cells, in order.
    expect(execution.code).toContain('# %% cell trail-parameters\nlr = 0.1');
    expect(execution.code).toContain(
      '# %% cell step-3\n# ---- Step 3 (cell fit, execution exec-3)'
    );
    expect(execution.outputs).toContainEqual({
      output_type: 'stream',
      name: 'stdout',
      text: 'rows 3\n'
    });
    // One run, one recording: the source lists only the runs of these tests.
    const sessions = (await client.listSessions()).items.filter(
      s => s.notebookPath === 'work/pipelines/train/pipeline.ipynb'
    );
    expect(sessions.map(s => s.id)).toEqual([answer.sessionId]);
    // papermill's notebook holds the injected parameter.
    const out = JSON.parse(readFileSync(join(folder, 'out.ipynb'), 'utf-8'));
    expect(
      out.cells
        .find((c: { metadata: { tags?: string[] } }) =>
          c.metadata.tags?.includes('injected-parameters')
        )
        .source.join('')
    ).toContain('lr = 0.5');
  });

  it('records a notebook run that fails as an error, once', async () => {
    writeFileSync(join(work, 'data', 'train.csv'), 'x,y\n1,oops\n');
    try {
      const done = await run('papermill', ['pipeline.ipynb', 'out.ipynb']);
      expect(done.status).not.toBe(0);
      const answer = JSON.parse(readFileSync(target.result, 'utf-8'));
      const execution = await client.getExecution(answer.executionId);
      expect(execution.status).toBe('error');
      expect(execution.error).toEqual({
        ename: 'ValueError',
        evalue: "could not convert string to float: 'oops'"
      });
      expect(capturedFile(execution, 'data/train.csv').sha256).toBe(
        sha256('x,y\n1,oops\n')
      );
      expect(done.stderr.match(/run recorded as session/g)).toHaveLength(1);
    } finally {
      writeFileSync(join(work, 'data', 'train.csv'), CSV);
    }
  });

  it('records nothing with TRAIL_DISABLED=1', async () => {
    const before = (await client.listSessions()).items.length;
    const done = await run('papermill', ['pipeline.ipynb', 'out.ipynb'], {
      env: { TRAIL_DISABLED: '1' }
    });
    expect(done.status).toBe(0);
    expect(done.stderr).not.toContain('trail:');
    expect((await client.listSessions()).items.length).toBe(before);
  });
});
