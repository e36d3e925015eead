/**
 * Test events and small waiting helpers for the client and queue tests.
 */
import * as v8 from 'v8';
import type {
  ExecutionCompletedEvent,
  SessionStartedEvent,
  TrailEvent
} from '../../../src/records/schema';

// jsdom has no structuredClone, which fake-indexeddb needs to store values;
// Node's serializer is the same algorithm.
if (typeof (globalThis as any).structuredClone !== 'function') {
  (globalThis as any).structuredClone = (value: unknown) =>
    v8.deserialize(v8.serialize(value));
}

let counter = 0;

/** A fresh id matching the schema's id pattern. */
export function newId(prefix = 'evt'): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}-${counter
    .toString()
    .padStart(6, '0')}`;
}

/** A session.started event. */
export function sessionEvent(sessionId = newId('ses')): SessionStartedEvent {
  return {
    id: newId(),
    kind: 'session.started',
    session: {
      id: sessionId,
      notebookPath: 'work/analysis.ipynb',
      startedAt: '2026-11-22T10:00:00.000Z',
      kernel: { name: 'python3', language: 'python' }
    }
  };
}

/** An execution.completed event; `code` sets its size. */
export function executionEvent(
  seq: number,
  overrides: { code?: string; status?: string; sessionId?: string } = {}
): ExecutionCompletedEvent {
  const id = newId();
  return {
    id,
    kind: 'execution.completed',
    execution: {
      id: newId('exe'),
      sessionId: overrides.sessionId ?? 'ses-fixed-0001',
      seq,
      notebookPath: 'work/analysis.ipynb',
      cellId: `cell-${seq}`,
      code: overrides.code ?? `x = ${seq}`,
      executionCount: seq,
      status: (overrides.status ?? 'ok') as 'ok',
      startedAt: '2026-11-22T10:00:01.000Z',
      endedAt: '2026-11-22T10:00:02.000Z',
      durationMs: 1000,
      timing: 'kernel',
      outputs: [{ output_type: 'stream', name: 'stdout', text: `${seq}\n` }]
    }
  };
}

/** `n` execution events with seq 1..n. */
export function executionEvents(n: number): TrailEvent[] {
  return Array.from({ length: n }, (_, i) => executionEvent(i + 1));
}

/** Resolves once `condition` holds; fails the test after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for: ${what}`);
    }
    await sleep(5);
  }
}

/** Waits `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** A fresh IndexedDB database name per test, so tests never share a queue. */
export function freshDbName(): string {
  return `trail-test-${newId('db')}`;
}
