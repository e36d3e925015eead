/**
 * Recorded sequences for the export rules' tests: each entry one execution
 * (a cell run) with what was recorded of it and the facts the analysis
 * would give of its code, written by hand.
 */
import type { CellFacts } from '../../src/records/export/facts';
import type {
  ExecutionRecord,
  FileAccess,
  ParamValue
} from '../../src/records/schema';

export interface Run {
  cell?: string | null;
  code?: string;
  status?: ExecutionRecord['status'];
  error?: { ename: string; evalue: string };
  reads?: string[];
  writes?: string[];
  files?: FileAccess[];
  metrics?: Record<string, number | null | (number | null)[]>;
  params?: Record<string, ParamValue>;
  // The analysis.
  ok?: boolean;
  syntaxError?: string;
  defines?: string[];
  uses?: string[];
  effects?: CellFacts['effects'];
  requirements?: string[];
  paramTargets?: Record<string, string | undefined>;
  sideEffects?: CellFacts['sideEffects'];
}

export interface Recorded {
  executions: ExecutionRecord[];
  facts: Map<string, CellFacts>;
  /** The execution id of step n (1-based). */
  id: (step: number) => string;
}

export function recorded(runs: Run[]): Recorded {
  const executions: ExecutionRecord[] = [];
  const facts = new Map<string, CellFacts>();
  runs.forEach((run, i) => {
    const seq = i + 1;
    const id = `exec-${seq}`;
    const files: FileAccess[] = [
      ...(run.reads ?? []).map((path): FileAccess => ({
        path,
        access: 'read',
        kind: 'file',
        sha256: 'a'.repeat(64)
      })),
      ...(run.writes ?? []).map((path): FileAccess => ({
        path,
        access: 'write',
        kind: 'file'
      })),
      ...(run.files ?? [])
    ];
    const metrics = Object.entries(run.metrics ?? {}).flatMap(([name, v]) =>
      (Array.isArray(v) ? v : [v]).map((value, step) => ({
        name,
        value,
        step,
        at: '2026-12-01T10:00:00.000Z'
      }))
    );
    const status = run.status ?? 'ok';
    const execution: ExecutionRecord = {
      id,
      sessionId: 'session-1',
      seq,
      notebookPath: 'train.ipynb',
      cellId: run.cell === undefined ? `cell-${seq}` : run.cell,
      code: run.code ?? `# step ${seq}`,
      executionCount: status === 'aborted' ? null : seq,
      status,
      startedAt: '2026-12-01T10:00:00.000Z',
      endedAt: '2026-12-01T10:00:01.000Z',
      durationMs: 1000,
      timing: 'kernel',
      outputs: []
    };
    if (status === 'error') {
      execution.error = run.error ?? { ename: 'RuntimeError', evalue: 'boom' };
    } else if (run.error) {
      execution.error = run.error;
    }
    if (files.length || metrics.length || run.params) {
      execution.capture = {};
      if (files.length) {
        execution.capture.files = files;
      }
      if (metrics.length) {
        execution.capture.metrics = metrics;
      }
      if (run.params) {
        execution.capture.params = run.params;
      }
    }
    executions.push(execution);
    const ok = run.ok ?? !run.syntaxError;
    facts.set(id, {
      id,
      ok,
      ...(run.syntaxError ? { error: run.syntaxError } : {}),
      defines: run.defines ?? [],
      uses: run.uses ?? [],
      effects: run.effects ?? 'state',
      imports: [],
      requirements: run.requirements ?? [],
      python: execution.code,
      translations: [],
      params: Object.keys(run.params ?? {}).map(name => {
        const target = run.paramTargets?.[name];
        return target ? { name, target } : { name };
      }),
      sideEffects: run.sideEffects ?? []
    });
  });
  return { executions, facts, id: step => `exec-${step}` };
}
