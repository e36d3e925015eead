/**
 * `trail verify <folder>` on a folder written by the real pipeline writer
 * (buildPipeline, with the export's `expected`, so it holds
 * trail-expected.json), in a REAL fresh venv: it reproduces the recorded
 * file and metric (exit 0, the --json document the Jupyter handler reads),
 * a metric outside its tolerance is exit 1, a missing input exit 6 and a
 * folder without trail-expected.json exit 2, nothing run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../../src/cli/program';
import type { CliIO } from '../../src/cli/session-command';
import type { VerifyDocument } from '../../src/cli/verify-command';
import {
  buildPipeline,
  EXPECTED_FILE,
  type PipelineSpec
} from '../../src/records/export/pipeline';
import {
  PYTHON,
  sampleSpec,
  writePipeline
} from '../records/export-pipeline-support';

const CSV = 'x,y\n1,2\n2,4\n';
const SCORE = 0.1 * (2 + 4);
const sha = (text: string): string =>
  createHash('sha256').update(text).digest('hex');

function spec(): PipelineSpec {
  return sampleSpec({
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        reason: 'writes score.txt; logs score',
        python: [
          'import csv, trail',
          'with open("data/train.csv", newline="") as f:',
          '    rows = list(csv.DictReader(f))',
          'lr = PARAMS["lr"]',
          'score = lr * sum(float(r["y"]) for r in rows)',
          'trail.log_metric("score", score)',
          'with open("score.txt", "w") as f:',
          '    f.write("%r\\n" % score)'
        ].join('\n'),
        imports: ['csv', 'trail']
      }
    ],
    params: { lr: 0.1 },
    wiredParams: ['lr'],
    paramNotes: {},
    metrics: ['score'],
    metricValues: { score: SCORE },
    inputs: [
      { path: 'data/train.csv', step: 1, kind: 'file', sha256: sha(CSV) }
    ],
    outputs: ['score.txt'],
    pipRequirements: [],
    dropped: [],
    untranslated: [],
    expected: {
      files: [{ path: 'score.txt', sha256: sha(`${SCORE}\n`) }],
      metrics: [{ name: 'score', value: SCORE }],
      params: [{ name: 'lr', value: 0.1 }]
    }
  });
}

function folderWithData(): string {
  const folder = writePipeline(spec());
  mkdirSync(join(folder, 'data'));
  writeFileSync(join(folder, 'data', 'train.csv'), CSV);
  return folder;
}

async function trail(
  args: string[],
  cwd: string
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TRAIL_')) {
      env[key] = value;
    }
  }
  const io: CliIO = {
    env: { ...env, TRAIL_PYTHON: PYTHON },
    cwd,
    out: text => out.push(text),
    err: text => err.push(text),
    confirm: null,
    interrupted: new Promise(() => undefined)
  };
  const code = await runProgram(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

jest.setTimeout(240_000);

describe('trail verify <folder>', () => {
  it('the writer puts what the run should reproduce in the folder', () => {
    const file = buildPipeline(spec()).files.find(
      f => f.path === EXPECTED_FILE
    );
    expect(JSON.parse(file!.content)).toEqual({
      version: 1,
      source: {
        sessionId: 'sess-abc123',
        step: 6,
        notebookPath: 'work/train.ipynb',
        server: 'http://trail.example:8765'
      },
      expected: spec().expected,
      inputs: spec().inputs
    });
    // Without `expected` (an older caller), no such file.
    const { expected: _, ...without } = spec();
    expect(buildPipeline(without).files.map(f => f.path)).not.toContain(
      EXPECTED_FILE
    );
  });

  it('reproduces the recorded file and metric in a clean venv (exit 0), as one JSON document with its phases on stderr', async () => {
    const folder = folderWithData();
    const run = await trail(['verify', 'pipe', '--json'], join(folder, '..'));
    // Given relative to the cwd: resolved.
    expect(run.code).toBe(2);
    const ok = await trail(['verify', folder, '--json'], '/');
    expect(ok.stderr).not.toMatch(/trail verify:/);
    expect(ok.code).toBe(0);
    const document = JSON.parse(ok.stdout) as VerifyDocument;
    expect(document).toMatchObject({
      folder,
      outcome: 'reproduced',
      exitCode: 0,
      source: { sessionId: 'sess-abc123', step: 6 }
    });
    expect(document.report!.files).toEqual([
      expect.objectContaining({ path: 'score.txt', same: true })
    ]);
    expect(document.report!.metrics).toEqual([
      expect.objectContaining({
        name: 'score',
        reproduced: SCORE,
        within: true
      })
    ]);
    // No requirement lines: no install phase.
    for (const phase of ['venv', 'run', 'compare']) {
      expect(ok.stderr).toContain(`phase ${phase}: `);
    }
  });

  it('a metric outside its tolerance is exit 1 and marked; within it, exit 0', async () => {
    const folder = folderWithData();
    const path = join(folder, EXPECTED_FILE);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.expected.metrics[0].value = SCORE + 0.001;
    writeFileSync(path, JSON.stringify(file));
    const off = await trail(
      ['verify', folder, '--tolerance', 'score=0.0001'],
      '/'
    );
    expect(off.code).toBe(1);
    expect(off.stdout).toMatch(/DIFFERS metric score: recorded/);
    expect(off.stdout).toContain('Not reproduced');
    const within = await trail(
      ['verify', folder, '--json', '--tolerance', '0.01'],
      '/'
    );
    expect(within.code).toBe(0);
    expect(JSON.parse(within.stdout).report.metrics[0]).toMatchObject({
      within: true,
      tolerance: 0.01
    });
  });

  it('a missing input is exit 6 and a folder without trail-expected.json exit 2, nothing run', async () => {
    const folder = folderWithData();
    rmSync(join(folder, 'data'), { recursive: true });
    const missing = await trail(['verify', folder, '--json'], '/');
    expect(missing.code).toBe(6);
    const document = JSON.parse(missing.stdout) as VerifyDocument;
    expect(document.error!.message).toContain('data/train.csv');
    expect(document.report).toBeUndefined();

    rmSync(join(folder, EXPECTED_FILE));
    const none = await trail(['verify', folder], '/');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`holds no ${EXPECTED_FILE}`);
    const bad = await trail(['verify', folder, '--tolerance', 'x'], '/');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tolerance x');
  });
});
