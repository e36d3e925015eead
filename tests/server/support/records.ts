/**
 * Builders of realistic Trail events for the server tests and benchmark.
 */
import { createHash, randomUUID } from 'node:crypto';
import { version as PACKAGE_VERSION } from '../../../package.json';
import type {
  EnvironmentCapturedEvent,
  EnvironmentSnapshot,
  ExecutionAnnotatedEvent,
  ExecutionCapture,
  ExecutionCompletedEvent,
  ExecutionRecord,
  Output,
  SessionRecord,
  SessionStartedEvent
} from '../../../src/records/schema';

/** A fresh id matching the record id pattern. */
export function newId(prefix = 'id'): string {
  return `${prefix}-${randomUUID()}`;
}

/** A session.started event. */
export function sessionEvent(
  session: Partial<SessionRecord> = {}
): SessionStartedEvent {
  return {
    id: newId('evt'),
    kind: 'session.started',
    session: {
      id: newId('ses'),
      notebookPath: 'analysis/report.ipynb',
      startedAt: '2026-03-01T10:00:00.000Z',
      kernel: {
        id: randomUUID(),
        name: 'python3',
        displayName: 'Python 3 (ipykernel)',
        language: 'python',
        languageVersion: '3.11.7'
      },
      client: { name: 'jupyterlab-trail', version: PACKAGE_VERSION },
      ...session
    }
  };
}

/** An execution.completed event of `sessionId` with a few small outputs. */
export function executionEvent(
  sessionId: string,
  seq: number,
  execution: Partial<ExecutionRecord> = {}
): ExecutionCompletedEvent {
  const started = Date.parse('2026-03-01T10:00:00.000Z') + seq * 1000;
  const outputs: Output[] = [
    { output_type: 'stream', name: 'stdout', text: `step ${seq}\n` },
    {
      output_type: 'execute_result',
      execution_count: seq,
      data: { 'text/plain': `${seq * 2}` },
      metadata: {}
    }
  ];
  return {
    id: newId('evt'),
    kind: 'execution.completed',
    execution: {
      id: newId('exe'),
      sessionId,
      seq,
      msgId: randomUUID(),
      notebookPath: 'analysis/report.ipynb',
      cellId: `cell-${seq}`,
      code: `x = ${seq}\nprint('step', x)\nx * 2`,
      executionCount: seq,
      status: 'ok',
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + 120).toISOString(),
      durationMs: 120,
      timing: 'kernel',
      outputs,
      ...execution
    }
  };
}

/**
 * A base64 "PNG" of about `bytes` characters, the same for the same seed
 * (content-addressed storage must dedupe it).
 */
export function bigPng(seed: string, bytes = 24 * 1024): string {
  let out = '';
  let block = createHash('sha256').update(seed).digest();
  while (out.length < bytes) {
    out += block.toString('base64');
    block = createHash('sha256').update(block).digest();
  }
  return out.slice(0, bytes);
}

/** A display_data output holding an image and a small text. */
export function imageOutput(png: string): Output {
  return {
    output_type: 'display_data',
    data: { 'image/png': png, 'text/plain': '<Figure size 640x480>' },
    metadata: {}
  };
}

/** An execution.annotated event adding `capture` to an execution. */
export function annotationEvent(
  execution: Pick<ExecutionRecord, 'id' | 'sessionId'>,
  capture: ExecutionCapture
): ExecutionAnnotatedEvent {
  return {
    id: newId('evt'),
    kind: 'execution.annotated',
    sessionId: execution.sessionId,
    executionId: execution.id,
    capture
  };
}

/** A realistic environment snapshot (a few packages, git, no secrets). */
export function environment(
  overrides: Partial<EnvironmentSnapshot> = {}
): EnvironmentSnapshot {
  return {
    capturedAt: '2026-03-01T10:00:00.500Z',
    language: {
      name: 'python',
      version: '3.11.7',
      implementation: 'CPython',
      executable: '/opt/venv/bin/python'
    },
    platform: {
      system: 'Linux',
      release: '6.8.0',
      machine: 'x86_64',
      hostname: 'laptop',
      cwd: '/home/ada/analysis'
    },
    cpu: { model: 'AMD Ryzen 7', count: 16 },
    gpus: [],
    packages: [
      { name: 'numpy', version: '2.1.0' },
      { name: 'pandas', version: '2.2.3' }
    ],
    conda: null,
    git: { commit: 'a'.repeat(40), branch: 'main', dirty: false },
    ...overrides
  };
}

/** An environment.captured event of a session from execution `fromSeq` on. */
export function environmentEvent(
  sessionId: string,
  fromSeq: number,
  snapshot: EnvironmentSnapshot = environment()
): EnvironmentCapturedEvent {
  return {
    id: newId('evt'),
    kind: 'environment.captured',
    sessionId,
    fromSeq,
    environment: snapshot
  };
}
