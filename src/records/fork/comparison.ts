/**
 * A fork (or a replay) beside its parent (issue #14, lineage): what it read
 * in place of the parent's inputs, the last value of each param and metric
 * on both sides, and how each of the parent's steps 1..k came out in the
 * fork. In a fork, a step whose outputs differ is expected (other data);
 * the verdicts are the replay's (`compareExecutions`), the wording is the
 * reader's business.
 */
import type {
  ExecutionRecord,
  Lineage,
  ParamValue,
  TableSchema
} from '../schema';
import { compareExecutions } from '../replay/compare';
import { inputsOf } from '../replay/inputs';
import { compareColumns } from '../replay/preflight';

/** A step's verdict in the fork; `not-run` when no fork execution ran its code. */
export type StepVerdict =
  'same' | 'differs' | 'new-error' | 'error-gone' | 'not-run';

/** A file as one side read it. */
export interface FileVersion {
  sha256?: string;
  size?: number;
  table?: TableSchema;
}

/** A substituted input on both sides. */
export interface ComparedInput {
  recorded: string;
  path: string;
  parent: FileVersion;
  fork: FileVersion;
  columns?: {
    added: { name: string; type: string }[];
    removed: { name: string; type: string }[];
    retyped: { name: string; recorded: string; target: string }[];
  };
}

/** The answer of GET /sessions/{id}/parent-comparison (lineage-comparison.schema.json). */
export interface LineageComparison {
  /** The replay or fork session. */
  sessionId: string;
  parent: {
    sessionId: string;
    step: number;
    kind: 'replay' | 'fork' | 'export';
    notebookPath?: string;
    author?: string;
  };
  inputs: ComparedInput[];
  params: {
    name: string;
    parent?: ParamValue;
    fork?: ParamValue;
    same: boolean;
  }[];
  metrics: {
    name: string;
    parent?: number | null;
    fork?: number | null;
    same: boolean;
  }[];
  steps: {
    step: number;
    parentExecutionId: string;
    forkExecutionId?: string;
    verdict: StepVerdict;
  }[];
  /** Steps that differ: differs, new-error or error-gone. */
  differing: number;
}

/** The fields of an execution the comparison reads. */
export type ComparedExecution = Pick<
  ExecutionRecord,
  | 'id'
  | 'seq'
  | 'code'
  | 'status'
  | 'outputs'
  | 'error'
  | 'startedAt'
  | 'endedAt'
  | 'capture'
>;

/**
 * Compares a fork's executions with its parent's steps 1..k (the lineage's
 * step). Fork executions are aligned with the parent's steps in order, each
 * step taking the next fork execution with identical code (a cell the user
 * added in the fork is passed over; a step with none is `not-run`). The
 * caller adds the fork's `sessionId` and the parent's notebook and author.
 */
export function compareWithParent(
  parentExecutions: readonly ComparedExecution[],
  forkExecutions: readonly ComparedExecution[],
  lineage: Lineage
): Omit<LineageComparison, 'sessionId'> {
  const parent = bySeq(parentExecutions).slice(0, lineage.step);
  const fork = bySeq(forkExecutions);
  const steps: LineageComparison['steps'] = [];
  let cursor = 0;
  parent.forEach((execution, i) => {
    let at = cursor;
    while (at < fork.length && fork[at].code !== execution.code) {
      at++;
    }
    if (at >= fork.length) {
      steps.push({
        step: i + 1,
        parentExecutionId: execution.id,
        verdict: 'not-run'
      });
      return;
    }
    cursor = at + 1;
    steps.push({
      step: i + 1,
      parentExecutionId: execution.id,
      forkExecutionId: fork[at].id,
      verdict: compareExecutions(execution, fork[at]).verdict
    });
  });
  return {
    parent: {
      sessionId: lineage.sessionId,
      step: lineage.step,
      kind: lineage.kind
    },
    inputs: compareInputs(parent, fork, lineage),
    params: compareParams(parent, fork),
    metrics: compareMetrics(parent, fork),
    steps,
    differing: steps.filter(
      s => s.verdict !== 'same' && s.verdict !== 'not-run'
    ).length
  };
}

function bySeq(executions: readonly ComparedExecution[]): ComparedExecution[] {
  return [...executions].sort((a, b) => a.seq - b.seq);
}

function compareInputs(
  parent: readonly ComparedExecution[],
  fork: readonly ComparedExecution[],
  lineage: Lineage
): ComparedInput[] {
  const substitutions = lineage.substitutions ?? [];
  if (!substitutions.length) {
    return [];
  }
  const recorded = inputsOf(parent, parent.length);
  const forkReads = inputsOf(fork, fork.length);
  return substitutions.map(sub => {
    const before = recorded.find(i => i.path === sub.recorded);
    const after = forkReads.find(i => samePlace(i.path, sub.path));
    const compared: ComparedInput = {
      recorded: sub.recorded,
      path: sub.path,
      parent: version(before),
      fork: version(after)
    };
    if (!compared.fork.sha256 && sub.sha256) {
      compared.fork.sha256 = sub.sha256;
    }
    if (before?.table && after?.table) {
      compared.columns = compareColumns(before.table, after.table);
    }
    return compared;
  });
}

function version(file: FileVersion | undefined): FileVersion {
  const out: FileVersion = {};
  if (file?.sha256) {
    out.sha256 = file.sha256;
  }
  if (file?.size !== undefined) {
    out.size = file.size;
  }
  if (file?.table) {
    out.table = file.table;
  }
  return out;
}

/**
 * Whether a captured path is the mapping's path: the same text, or one
 * relative (to the notebook's folder) and the other an absolute path
 * ending with it.
 */
function samePlace(captured: string, mapped: string): boolean {
  const a = trim(captured);
  const b = trim(mapped);
  if (a === b) {
    return true;
  }
  if (a.startsWith('/') !== b.startsWith('/')) {
    const [abs, rel] = a.startsWith('/') ? [a, b] : [b, a];
    return abs.endsWith('/' + rel);
  }
  return false;
}

function trim(path: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) {
    p = p.slice(2);
  }
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function compareParams(
  parent: readonly ComparedExecution[],
  fork: readonly ComparedExecution[]
): LineageComparison['params'] {
  const before = lastParams(parent);
  const after = lastParams(fork);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.map(name => {
    const row: LineageComparison['params'][number] = {
      name,
      same:
        before.has(name) &&
        after.has(name) &&
        before.get(name) === after.get(name)
    };
    if (before.has(name)) {
      row.parent = before.get(name);
    }
    if (after.has(name)) {
      row.fork = after.get(name);
    }
    return row;
  });
}

function lastParams(
  executions: readonly ComparedExecution[]
): Map<string, ParamValue> {
  const params = new Map<string, ParamValue>();
  for (const execution of executions) {
    for (const [name, value] of Object.entries(
      execution.capture?.params ?? {}
    )) {
      params.set(name, value);
    }
  }
  return params;
}

function compareMetrics(
  parent: readonly ComparedExecution[],
  fork: readonly ComparedExecution[]
): LineageComparison['metrics'] {
  const before = lastMetrics(parent);
  const after = lastMetrics(fork);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.map(name => {
    const row: LineageComparison['metrics'][number] = {
      name,
      same:
        before.has(name) &&
        after.has(name) &&
        before.get(name) === after.get(name)
    };
    if (before.has(name)) {
      row.parent = before.get(name);
    }
    if (after.has(name)) {
      row.fork = after.get(name);
    }
    return row;
  });
}

function lastMetrics(
  executions: readonly ComparedExecution[]
): Map<string, number | null> {
  const metrics = new Map<string, number | null>();
  for (const execution of executions) {
    for (const point of execution.capture?.metrics ?? []) {
      metrics.set(point.name, point.value);
    }
  }
  return metrics;
}
