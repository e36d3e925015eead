/**
 * Shared by the tests that run an exported pipeline and record the run to a
 * real Trail server (record-run, verify-record, export-mlflow): the session
 * the pipeline is said to be exported from, a small pipeline of it (a CSV
 * read, a param, a metric, a written file), what a run of it computes, and
 * the environment that makes `pipeline_run` record through the bundled
 * `trail record-run`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { TrailClient } from '../../src/client';
import type { PipelineSpec } from '../../src/records/export/pipeline';
import type { ExecutionRecord, FileAccess } from '../../src/records/schema';
import { sampleSpec } from '../records/export-pipeline-support';
import { cleanEnv } from './support';

/** The CSV the pipeline reads (data/train.csv in the notebook's folder). */
export const CSV = 'x,y\n1,2\n2,4\n3,6\n';

export const sha256 = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * The exported session: one recorded step of `notebookPath`, ingested as
 * the recorder would send it. Resolves with its id.
 */
export async function ingestExportedSession(
  client: TrailClient,
  notebookPath: string
): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  const result = await client.ingest({
    events: [
      {
        id: randomUUID(),
        kind: 'session.started',
        session: {
          id,
          notebookPath,
          startedAt: at,
          kernel: { name: 'python3', language: 'python' }
        }
      },
      {
        id: randomUUID(),
        kind: 'execution.completed',
        execution: {
          id: randomUUID(),
          sessionId: id,
          seq: 1,
          msgId: randomUUID(),
          notebookPath,
          cellId: 'fit',
          code: 'print(1)',
          executionCount: 1,
          status: 'ok',
          startedAt: at,
          endedAt: at,
          durationMs: 0,
          timing: 'client',
          outputs: []
        }
      }
    ]
  } as Parameters<TrailClient['ingest']>[0]);
  if (!result) {
    throw new Error('the exported session was not ingested');
  }
  return id;
}

/**
 * The pipeline of `work/train.ipynb` up to step 3, written to
 * work/pipelines/train (placement): step 1 reads data/train.csv and prints
 * its row count, step 3 logs the param lr, fits one weight, logs the
 * metric mse and writes model.txt (paths relative to the notebook's folder).
 */
export function pipelineRunSpec(sessionId: string): PipelineSpec {
  return sampleSpec({
    source: {
      sessionId,
      notebookPath: 'work/train.ipynb',
      step: 3,
      target: { kind: 'session' },
      exportedAt: '2026-12-06T12:00:00.000Z'
    },
    steps: [
      {
        step: 1,
        executionId: 'exec-1',
        cellId: 'load',
        reason: 'defines rows used by step 3',
        python:
          'import csv\nwith open("data/train.csv", newline="") as f:\n    rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]\nprint("rows", len(rows))',
        imports: ['csv']
      },
      {
        step: 3,
        executionId: 'exec-3',
        cellId: 'fit',
        reason: 'writes model.txt; logs mse',
        python: [
          'import trail',
          'lr = PARAMS["lr"]',
          'trail.log_param("lr", lr)',
          'weight = lr * sum(y for _, y in rows) / sum(x for x, _ in rows)',
          'trail.log_metric("mse", sum((weight * x - y) ** 2 for x, y in rows) / len(rows))',
          'with open("model.txt", "w") as f:\n    f.write("weight=%r\\n" % weight)'
        ].join('\n'),
        imports: ['trail']
      }
    ],
    params: { lr: 0.1 },
    wiredParams: ['lr'],
    paramNotes: {},
    metrics: ['mse'],
    metricValues: {},
    inputs: [
      {
        path: 'data/train.csv',
        step: 1,
        kind: 'file',
        sha256: sha256(CSV),
        size: CSV.length
      }
    ],
    outputs: ['model.txt'],
    pipRequirements: [],
    environment: undefined,
    dropped: [],
    untranslated: [],
    placement: { notebookDir: '../..', pipelineDir: 'pipelines/train' }
  });
}

/**
 * What a run of pipelineRunSpec's pipeline computes from CSV for a given
 * lr: model.txt's text and the mse (the same float arithmetic as Python's).
 */
export function pipelineRunResult(lr: number): { model: string; mse: number } {
  const rows = CSV.trim()
    .split('\n')
    .slice(1)
    .map(line => line.split(',').map(Number));
  const weight =
    (lr * rows.reduce((s, [, y]) => s + y, 0)) /
    rows.reduce((s, [x]) => s + x, 0);
  const mse =
    rows.reduce((s, [x, y]) => s + (weight * x - y) ** 2, 0) / rows.length;
  // Python's repr of a float: 1.0, never 1.
  const repr = Number.isInteger(weight) ? weight.toFixed(1) : String(weight);
  return { model: `weight=${repr}\n`, mse };
}

/** Where a recorded run is delivered, and how its recorder is run. */
export interface RecordingTarget {
  url: string;
  token: string;
  /** The bundled trail command (bundleCli). */
  bundle: string;
  /** The file record-run's answer ({sessionId, executionId}) is written to. */
  result: string;
}

/**
 * The environment of a pipeline run recorded to `target` as pipeline_run.py
 * expects it (TRAIL_URL/TRAIL_TOKEN, the bundle run by this Node), with
 * nothing of the caller's Trail configuration.
 */
export function recordingEnv(
  target: RecordingTarget,
  extra: NodeJS.ProcessEnv = {}
): NodeJS.ProcessEnv {
  return cleanEnv({
    TRAIL_URL: target.url,
    TRAIL_TOKEN: target.token,
    TRAIL_CLI: target.bundle,
    TRAIL_NODE: process.execPath,
    TRAIL_RUN_RESULT: target.result,
    ...extra
  });
}

/** A file an execution's capture holds (throws naming the ones it holds). */
export function capturedFile(
  execution: ExecutionRecord,
  path: string
): FileAccess {
  const file = execution.capture?.files?.find(f => f.path === path);
  if (!file) {
    throw new Error(
      `${path} not in ${JSON.stringify(execution.capture?.files)}`
    );
  }
  return file;
}
