/**
 * The slicing rule of an export (#15, contract 2): from the executions of
 * steps 1..k and what the Python analysis says of each cell, the steps that
 * produced the result, in execution order, and every other step with the
 * reason it was dropped.
 *
 * Roots: for a session, every successful execution that writes a file,
 * logs a metric or a param; for a file, the last successful step writing
 * it; for a metric, the last successful step logging it. Closure backwards:
 * a kept step's use of a name keeps the latest earlier successful step
 * defining it (mutations count: `model.fit(X)` defines model); its read of
 * a file keeps the latest earlier successful step writing it. A step that
 * is not kept is dropped: failed, interrupted, aborted, unparsable (the
 * analysis could not read it), display (only shows things), superseded (a
 * later run of the same cell defines the same names) or unused.
 */
import type { ExecutionRecord } from '../schema';
import { inputsOf, type InputFile } from '../replay/inputs';
import type { CellFacts } from './facts';
import {
  failureOf,
  feeds,
  listed,
  metricsOf,
  normalisePath,
  paramsOf,
  produces,
  readsOf,
  writesOf
} from './effects';
import { mergeRequirements } from './requirements';

export type DropReason =
  | 'failed'
  | 'interrupted'
  | 'aborted'
  | 'superseded'
  | 'display'
  | 'unused'
  | 'unparsable';

export type ExportTarget =
  | { kind: 'session' }
  | { kind: 'file'; path: string }
  | { kind: 'metric'; name: string };

/** A kept step, with why: "writes model.pkl", "defines X used by step 7". */
export interface SliceStep {
  step: number;
  executionId: string;
  cellId?: string;
  reason: string;
}

/** A dropped step, with its reason and a human detail ("superseded by step 9"). */
export interface SliceDrop {
  step: number;
  executionId: string;
  cellId?: string;
  reason: DropReason;
  detail: string;
}

/** A name a kept step reads that no earlier successful step defines. */
export interface UnresolvedName {
  step: number;
  executionId: string;
  name: string;
}

export interface Slice {
  kept: SliceStep[];
  dropped: SliceDrop[];
  target: ExportTarget;
  /** What the kept steps read that no kept step wrote before (steps renumbered to the run's). */
  inputs: InputFile[];
  /** The files the kept steps wrote that are not inputs, first written first. */
  outputs: string[];
  /**
   * `%pip install` requirements of every successful step, kept or dropped
   * (a cell that only installs is dropped, its requirement stays): one per
   * package, the last one installed, in order of first appearance.
   */
  requirements: string[];
  /**
   * Names kept steps read that no earlier successful step defines (bound by
   * a failed or unparsable step, or from outside the recording): the
   * pipeline will likely stop on them. IPython's own names and `trail` are
   * left out.
   */
  unresolved: UnresolvedName[];
}

export type ExportErrorCode =
  | 'no-success'
  | 'target-not-produced'
  | 'target-unparsable'
  | 'nothing-to-export'
  | 'bad-target';

/** Why no slice can be made, for the user (a 4xx on the server, an exit code in the CLI). */
export class ExportError extends Error {
  readonly code: ExportErrorCode;
  constructor(code: ExportErrorCode, message: string) {
    super(message);
    this.name = 'ExportError';
    this.code = code;
  }
}

/**
 * Names that never make a dependency: the pipeline brings its own `trail`
 * (the recorded steps' `trail.log_metric(...)` calls would otherwise chain
 * every logging step to the previous one).
 */
const NOT_DEPENDENCIES = new Set(['trail']);

/** Names IPython gives every kernel: not reported as unresolved. */
const IPYTHON_NAMES = new Set([
  'display',
  'get_ipython',
  'In',
  'Out',
  'exit',
  'quit',
  '_',
  '__',
  '___',
  '_i',
  '_ii',
  '_iii',
  '_ih',
  '_oh',
  '_dh'
]);
const IPYTHON_NUMBERED = /^_i?\d+$/;

interface Step {
  step: number;
  execution: ExecutionRecord;
  facts?: CellFacts;
}

/** Why a step is kept, gathered while the closure runs. */
interface Why {
  /** As a root: the files it wrote, what it logged (or why it is a root). */
  writes: string[];
  produces: string[];
  names: Map<number, string[]>;
  files: Map<number, string[]>;
}

const succeeded = (s: Step): boolean => s.execution.status === 'ok';
const analysable = (s: Step): boolean => succeeded(s) && s.facts?.ok === true;
const definesOf = (s: Step): string[] =>
  (s.facts?.defines ?? []).filter(n => !NOT_DEPENDENCIES.has(n));

export function sliceRun(
  executions: ExecutionRecord[],
  facts: Map<string, CellFacts>,
  target: ExportTarget
): Slice {
  const steps: Step[] = [...executions]
    .sort((a, b) => a.seq - b.seq)
    .map((execution, i) => ({
      step: i + 1,
      execution,
      facts: facts.get(execution.id)
    }));
  if (!steps.some(succeeded)) {
    throw new ExportError(
      'no-success',
      steps.length === 0
        ? 'The session has no execution to export.'
        : `None of the ${steps.length} executions up to step ${steps.length} succeeded: nothing produced a result to export.`
    );
  }
  const why = new Map<number, Why>();
  const queue: Step[] = [];
  const keep = (s: Step): Why => {
    let w = why.get(s.step);
    if (!w) {
      w = { writes: [], produces: [], names: new Map(), files: new Map() };
      why.set(s.step, w);
      queue.push(s);
    }
    return w;
  };
  for (const [s, produced] of rootsOf(steps, target)) {
    keep(s).writes.push(...produced.writes);
    keep(s).produces.push(...produced.logs);
  }
  const unresolved: UnresolvedName[] = [];
  while (queue.length) {
    const user = queue.pop()!;
    const earlier = steps.slice(0, user.step - 1).reverse();
    for (const name of user.facts?.uses ?? []) {
      if (NOT_DEPENDENCIES.has(name)) {
        continue;
      }
      const definer = earlier.find(
        s => analysable(s) && definesOf(s).includes(name)
      );
      if (definer) {
        addTo(keep(definer).names, user.step, name);
      } else if (!IPYTHON_NAMES.has(name) && !IPYTHON_NUMBERED.test(name)) {
        unresolved.push({
          step: user.step,
          executionId: user.execution.id,
          name
        });
      }
    }
    for (const read of readsOf(user.execution)) {
      // The latest earlier writer of each path that feeds this read (one
      // for a file, one per file written into a folder read).
      const done = new Set<string>();
      for (const s of earlier) {
        if (!succeeded(s)) {
          continue;
        }
        for (const written of writesOf(s.execution)) {
          const path = normalisePath(written.path);
          if (done.has(path) || !feeds(written, read)) {
            continue;
          }
          done.add(path);
          // An unparsable writer cannot be in the pipeline: the file is
          // then an input of it (inputsOf over the kept steps says so).
          if (analysable(s)) {
            addTo(keep(s).files, user.step, written.path);
          }
        }
      }
    }
  }
  if (why.size === 0) {
    throw new ExportError(
      'nothing-to-export',
      'No step that produced a result can be exported: ' +
        listed(
          steps
            .filter(s => succeeded(s) && !analysable(s))
            .map(s => `step ${s.step} does not parse`)
        ) +
        '.'
    );
  }
  const kept: SliceStep[] = [];
  const dropped: SliceDrop[] = [];
  for (const s of steps) {
    const w = why.get(s.step);
    if (w) {
      kept.push({ ...ids(s), reason: reasonOf(w) });
    } else {
      dropped.push({ ...ids(s), ...dropOf(s, steps, why) });
    }
  }
  const keptExecutions = steps.filter(s => why.has(s.step));
  const inputs = inputsOf(
    keptExecutions.map(s => s.execution),
    keptExecutions.length
  )
    .map(input => ({ ...input, step: keptExecutions[input.step - 1].step }))
    .filter(input => !madeByTheRun(input, keptExecutions));
  return {
    kept,
    dropped,
    target,
    inputs,
    outputs: outputsOf(keptExecutions, inputs),
    requirements: mergeRequirements(
      steps.filter(succeeded).flatMap(s => s.facts?.requirements ?? [])
    ),
    unresolved: unresolved.sort((a, b) => a.step - b.step)
  };
}

function ids(s: Step): { step: number; executionId: string; cellId?: string } {
  const out: { step: number; executionId: string; cellId?: string } = {
    step: s.step,
    executionId: s.execution.id
  };
  if (s.execution.cellId) {
    out.cellId = s.execution.cellId;
  }
  return out;
}

function addTo(map: Map<number, string[]>, step: number, item: string): void {
  const list = map.get(step) ?? [];
  if (!list.includes(item)) {
    list.push(item);
  }
  map.set(step, list);
}

/** What a step produced: the files it wrote, and what it logged in words. */
interface Produced {
  writes: string[];
  logs: string[];
}

const isEmpty = (p: Produced): boolean => !p.writes.length && !p.logs.length;

function describe(p: Produced): string[] {
  return [
    ...(p.writes.length ? [`writes ${listed(p.writes)}`] : []),
    ...p.logs
  ];
}

/** What a step produced that makes it a root for a session export. */
function producedBy(s: Step): Produced {
  const out: string[] = [];
  const writes = writesOf(s.execution).map(f => f.path);
  const metrics = metricsOf(s.execution);
  if (metrics.length) {
    out.push(`logs metric${metrics.length > 1 ? 's' : ''} ${listed(metrics)}`);
  }
  const params = paramsOf(s.execution);
  if (params.length) {
    out.push(`logs param${params.length > 1 ? 's' : ''} ${listed(params)}`);
  }
  return { writes, logs: out };
}

/** The roots of the closure, with what each produced. */
function rootsOf(steps: Step[], target: ExportTarget): Map<Step, Produced> {
  const roots = new Map<Step, Produced>();
  if (target.kind === 'session') {
    for (const s of steps.filter(analysable)) {
      const produced = producedBy(s);
      if (!isEmpty(produced)) {
        roots.set(s, produced);
      }
    }
    if (
      roots.size === 0 &&
      !steps.some(
        s => succeeded(s) && !analysable(s) && !isEmpty(producedBy(s))
      )
    ) {
      // Nothing was written or logged: the run's result is its state, so
      // the last successful run of each cell is the root.
      const last = new Map<string, Step>();
      for (const s of steps.filter(analysable)) {
        if (s.facts!.effects === 'state') {
          last.set(s.execution.cellId ?? s.execution.id, s);
        }
      }
      for (const s of last.values()) {
        roots.set(s, {
          writes: [],
          logs: [
            'the last run of its cell (the run wrote no file and logged nothing, so the last run of every cell is kept)'
          ]
        });
      }
    }
    return roots;
  }
  const wanted =
    target.kind === 'file' ? normalisePath(target.path) : target.name.trim();
  if (!wanted) {
    throw new ExportError(
      'bad-target',
      target.kind === 'file'
        ? 'The target file has no path.'
        : 'The target metric has no name.'
    );
  }
  const label = target.kind === 'file' ? wanted : `metric ${wanted}`;
  const made = (s: Step): boolean =>
    target.kind === 'file'
      ? writesOf(s.execution).some(f => produces(f, wanted))
      : metricsOf(s.execution).includes(wanted);
  const producer = [...steps].reverse().find(s => succeeded(s) && made(s));
  if (!producer) {
    const failed = steps.filter(s => !succeeded(s) && made(s));
    throw new ExportError(
      'target-not-produced',
      `No successful step up to step ${steps.length} ${target.kind === 'file' ? 'wrote' : 'logged'} ${label}` +
        (failed.length
          ? ` (step ${failed[failed.length - 1].step} did, but ${failed[failed.length - 1].execution.status === 'error' ? 'failed' : 'did not finish'}).`
          : '.')
    );
  }
  if (!analysable(producer)) {
    throw new ExportError(
      'target-unparsable',
      `Step ${producer.step}, which ${target.kind === 'file' ? 'wrote' : 'logged'} ${label}, cannot be exported: ${producer.facts?.error ?? 'its code was not analysed'}.`
    );
  }
  roots.set(
    producer,
    target.kind === 'file'
      ? { writes: [wanted], logs: [] }
      : { writes: [], logs: [`logs metric ${wanted}`] }
  );
  return roots;
}

/** "writes model.pkl; defines X and y used by step 7; writes clean.csv read by step 9". */
function reasonOf(w: Why): string {
  // A file a later kept step reads is said with its reader, once.
  const read = new Set([...w.files.values()].flat());
  const parts = describe({
    writes: w.writes.filter(f => !read.has(f)),
    logs: w.produces
  });
  const users = (map: Map<number, string[]>, verb: string, what: string) => {
    // Group the consumers that need the same things.
    const byItems = new Map<string, number[]>();
    for (const [step, items] of [...map.entries()].sort(
      (a, b) => a[0] - b[0]
    )) {
      const key = listed(items);
      byItems.set(key, [...(byItems.get(key) ?? []), step]);
    }
    for (const [items, consumers] of byItems) {
      const who =
        consumers.length === 1
          ? `step ${consumers[0]}`
          : `steps ${listed(consumers.map(String))}`;
      parts.push(`${verb} ${items} ${what} by ${who}`);
    }
  };
  users(w.names, 'defines', 'used');
  users(w.files, 'writes', 'read');
  return parts.join('; ');
}

function dropOf(
  s: Step,
  steps: Step[],
  why: Map<number, Why>
): { reason: DropReason; detail: string } {
  const status = s.execution.status;
  if (status === 'error') {
    return { reason: 'failed', detail: failureOf(s.execution) };
  }
  if (status === 'interrupted') {
    return { reason: 'interrupted', detail: 'interrupted before it finished' };
  }
  if (status === 'aborted') {
    return {
      reason: 'aborted',
      detail: 'never ran: the kernel skipped it after an earlier error'
    };
  }
  const produced = producedBy(s);
  if (!analysable(s)) {
    const lost = !isEmpty(produced)
      ? `; what it did (${describe(produced).join('; ')}) is not in the pipeline`
      : '';
    return {
      reason: 'unparsable',
      detail: `does not parse: ${s.facts?.error ?? 'not analysed'}${lost}`
    };
  }
  const facts = s.facts!;
  const defines = definesOf(s);
  if (
    facts.effects === 'display' &&
    defines.length === 0 &&
    !writesOf(s.execution).length
  ) {
    return {
      reason: 'display',
      detail: 'only shows output: binds no name and writes no file'
    };
  }
  const cellId = s.execution.cellId;
  if (cellId) {
    const rerun = steps.find(
      later =>
        later.step > s.step &&
        later.execution.cellId === cellId &&
        analysable(later)
    );
    if (rerun && defines.every(n => definesOf(rerun).includes(n))) {
      return {
        reason: 'superseded',
        detail: `superseded by step ${rerun.step} (the same cell run again${why.has(rerun.step) ? '' : ', itself dropped'})`
      };
    }
  }
  const parts: string[] = [];
  if (defines.length) {
    parts.push(`defines ${listed(defines)}, which no kept step uses`);
  }
  const writes = writesOf(s.execution).map(f => f.path);
  if (writes.length) {
    parts.push(`writes ${listed(writes)}, which no kept step reads`);
  }
  if (metricsOf(s.execution).length) {
    parts.push(`logs ${listed(metricsOf(s.execution))}, not the target`);
  }
  return {
    reason: 'unused',
    detail: parts.length ? parts.join('; ') : 'changes nothing a kept step uses'
  };
}

/**
 * Whether a folder input was entirely written by kept steps before the step
 * that read it (every one of the files it grouped): then it is an
 * intermediate the pipeline makes, not an input it needs. inputsOf only
 * knows a folder written as a whole.
 */
function madeByTheRun(input: InputFile, kept: Step[]): boolean {
  if (input.kind !== 'folder' || typeof input.fileCount !== 'number') {
    return false;
  }
  const folder = normalisePath(input.path);
  const written = new Set<string>();
  for (const s of kept.filter(k => k.step < input.step)) {
    for (const file of writesOf(s.execution)) {
      const path = normalisePath(file.path);
      if (path.startsWith(folder + '/')) {
        written.add(path);
      }
    }
  }
  return written.size > 0 && written.size >= input.fileCount;
}

/** The files the kept steps wrote, less the inputs, first written first. */
function outputsOf(kept: Step[], inputs: InputFile[]): string[] {
  const inputPaths = new Set(inputs.map(i => normalisePath(i.path)));
  const seen = new Set<string>();
  const outputs: string[] = [];
  for (const s of kept) {
    for (const written of writesOf(s.execution)) {
      const path = normalisePath(written.path);
      if (!inputPaths.has(path) && !seen.has(path)) {
        seen.add(path);
        outputs.push(written.path);
      }
    }
  }
  return outputs;
}
