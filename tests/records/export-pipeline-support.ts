/**
 * Shared by the pipeline writer's tests: a hand-made spec, writing a
 * pipeline folder to disk, and running the project's Python on it (these
 * tests need .venv's Python, with PyYAML and nbformat as JupyterLab brings
 * them).
 */
import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import {
  buildPipeline,
  Pipeline,
  PipelineSpec
} from '../../src/records/export/pipeline';
import type { EnvironmentSnapshot } from '../../src/records/schema';

export const PYTHON = resolve(__dirname, '../../.venv/bin/python');
export const VENV_BIN = dirname(PYTHON);

export const ENVIRONMENT: EnvironmentSnapshot = {
  capturedAt: '2026-12-01T10:00:00.000Z',
  language: { name: 'python', version: '3.11.9', implementation: 'CPython' },
  platform: { system: 'Linux' },
  packages: [
    { name: 'numpy', version: '2.4.6' },
    { name: 'opencv-python-headless', version: '4.10.0.84' },
    { name: 'pandas', version: '3.1.1' },
    { name: 'pillow', version: '11.0.0' },
    { name: 'PyYAML', version: '6.0.4' },
    { name: 'scikit-learn', version: '1.5.0' },
    { name: 'scipy', version: '1.14.1' },
    { name: 'lightgbm', version: '4.5.0' }
  ]
};

/** A spec of a small run: two kept steps, two dropped, a param of each kind. */
export function sampleSpec(
  overrides: Partial<PipelineSpec> = {}
): PipelineSpec {
  return {
    source: {
      sessionId: 'sess-abc123',
      notebookPath: 'work/train.ipynb',
      author: 'Alice',
      server: 'http://trail.example:8765',
      step: 6,
      target: { kind: 'session' },
      exportedAt: '2026-12-06T12:00:00.000Z'
    },
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        cellId: 'cell-load',
        reason: 'defines rows used by step 4',
        python:
          'import csv\nwith open("data/train.csv") as f:\n    rows = list(csv.DictReader(f))',
        imports: ['csv']
      },
      {
        step: 4,
        executionId: 'exec-4',
        cellId: 'cell-fit',
        reason: 'writes model.txt; logs score',
        python: [
          'import jupyterlab_trail.kernel as trail',
          'import sklearn, cv2, PIL, yaml, helpers_of_mine',
          'lr = PARAMS["lr"]',
          'trail.log_param("lr", lr)',
          'score = lr * sum(float(r["y"]) for r in rows)',
          'trail.log_metric("score", score)'
        ].join('\n'),
        imports: [
          'jupyterlab_trail',
          'sklearn',
          'cv2',
          'PIL',
          'yaml',
          'helpers_of_mine'
        ]
      }
    ],
    params: {
      lr: 0.1,
      epochs: 3,
      tiny: 1e-7,
      shuffle: true,
      name: 'a "b": #c',
      seed: null,
      'model.depth': 4
    },
    wiredParams: ['lr'],
    paramNotes: { seed: 'None cannot be given on the command line' },
    metrics: ['score'],
    metricValues: { score: 1.2 },
    inputs: [
      {
        path: 'data/train.csv',
        step: 1,
        sha256: 'f'.repeat(64),
        size: 24,
        kind: 'file'
      }
    ],
    outputs: ['model.txt', '/tmp/elsewhere.bin'],
    pipRequirements: ['lightgbm', 'xgboost==2.0.3', '-r extra.txt'],
    environment: { id: 'env-0123456789abcdef', snapshot: ENVIRONMENT },
    dropped: [
      {
        step: 2,
        executionId: 'exec-2',
        cellId: 'cell-plot',
        reason: 'display',
        detail: 'only shows rows.head()'
      },
      {
        step: 3,
        executionId: 'exec-3',
        cellId: 'cell-fit',
        reason: 'failed',
        detail: 'NameError: name lr is not defined'
      }
    ],
    untranslated: [
      {
        step: 4,
        line: 7,
        magic: '%load_ext foo',
        reason: 'an extension of its own'
      }
    ],
    ...overrides
  };
}

/** The content of one file of a pipeline. */
export function fileOf(pipeline: Pipeline, path: string): string {
  const file = pipeline.files.find(f => f.path === path);
  if (!file) {
    throw new Error(`no ${path} in the pipeline`);
  }
  return file.content;
}

/** Writes the pipeline for spec into a new temporary folder; returns it. */
export function writePipeline(spec: PipelineSpec, folder?: string): string {
  const target = folder ?? mkdtempSync(join(tmpdir(), 'trail-pipeline-'));
  for (const file of buildPipeline(spec).files) {
    const path = join(target, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  return target;
}

/**
 * Runs .venv's Python (its bin first on PATH, for dvc's `python`). Its
 * runs are not recorded (TRAIL_DISABLED=1): a pipeline whose seam finds
 * jupyterlab_trail would otherwise record to whatever Trail server this
 * machine runs, or say on stderr that it could not; a test of the seam
 * clears it.
 */
export function python(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {}
): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, {
    cwd: options.cwd,
    encoding: 'utf-8',
    env: {
      ...process.env,
      PATH: `${VENV_BIN}:${process.env.PATH}`,
      TRAIL_DISABLED: '1',
      ...options.env
    },
    timeout: 60000
  });
}

/** A Python snippet's stdout, parsed as JSON (the snippet prints one JSON value). */
export function pythonJson(code: string, args: string[] = []): unknown {
  return JSON.parse(
    execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf-8' })
  );
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
