/**
 * The slicing rule of an export (#15, contract 2): from the executions of
 * steps 1..k and what the Python analysis says of each cell, the steps that
 * produced the result, in execution order, and every other step with the
 * reason it was dropped.
 *
 * Roots (slice-roots.ts): for a session, every successful execution that
 * writes a file, logs a metric or a param; for a file, the last successful
 * step writing it; for a metric, the last successful step logging it.
 * Closure backwards: a kept step's use of a name keeps the latest earlier
 * successful step defining it (mutations count: `model.fit(X)` defines
 * model); its read of a file keeps the latest earlier successful step
 * writing it. A step that is not kept is dropped (slice-reasons.ts):
 * failed, interrupted, aborted, unparsable (the analysis could not read
 * it), display (only shows things), superseded (a later run of the same
 * cell binds the same names) or unused. Then the side-effect rule
 * (slice-side-effects.ts): a step that seeds a random generator, changes
 * the working folder, makes a folder, sets environment variables or
 * global settings before the last kept step is kept too (later steps
 * depend on it without naming it), with what it reads.
 */
import type { ExecutionRecord } from '../schema';
import { inputsOf, type InputFile } from '../replay/inputs';
import type { CellFacts } from './facts';
import { listed, normalisePath, readsOf, writesOf } from './effects';
import { mergeRequirements } from './requirements';
import { dropOf, reasonOf, type Why } from './slice-reasons';
import { rootsOf } from './slice-roots';
import { keepSideEffects } from './slice-side-effects';
import {
  analysable,
  isDependency,
  isIPythonName,
  StepIndex,
  succeeded,
  type Step
} from './slice-steps';
import {
  ExportError,
  type ExportTarget,
  type Slice,
  type SliceDrop,
  type SliceStep,
  type UnresolvedName
} from './slice-types';

export * from './slice-types';

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
  const index = new StepIndex(steps);
  const why = new Map<number, Why>();
  const queue: Step[] = [];
  const keep = (s: Step): Why => {
    let w = why.get(s.step);
    if (!w) {
      w = {
        writes: [],
        logs: [],
        names: new Map(),
        files: new Map(),
        effects: []
      };
      why.set(s.step, w);
      queue.push(s);
    }
    return w;
  };
  for (const [s, produced] of rootsOf(steps, target)) {
    keep(s).writes.push(...produced.writes);
    keep(s).logs.push(...produced.logs);
  }
  const unresolved: UnresolvedName[] = [];
  // The closure: what the steps kept so far read keeps its makers.
  const close = (): void => {
    while (queue.length) {
      const user = queue.pop()!;
      for (const name of user.facts?.uses ?? []) {
        if (!isDependency(name)) {
          continue;
        }
        const definer = index.definer(name, user.step);
        if (definer) {
          addTo(keep(definer).names, user.step, name);
        } else if (!isIPythonName(name)) {
          unresolved.push({
            step: user.step,
            executionId: user.execution.id,
            name
          });
        }
      }
      for (const read of readsOf(user.execution)) {
        for (const writer of index.writersOf(read, user.step)) {
          // An unparsable writer cannot be in the pipeline: the file is then
          // an input of it (inputsOf over the kept steps says so).
          if (analysable(writer.step)) {
            addTo(keep(writer.step).files, user.step, writer.path);
          }
        }
      }
    }
  };
  close();
  if (why.size === 0) {
    const unparsable = steps
      .filter(s => succeeded(s) && !analysable(s))
      .map(s => `step ${s.step} does not parse`);
    throw new ExportError(
      'nothing-to-export',
      `No step that produced a result can be exported: ${listed(unparsable)}.`
    );
  }
  const effectDrops = keepSideEffects(steps, index, why, keep, close);
  const kept: SliceStep[] = [];
  const dropped: SliceDrop[] = [];
  for (const s of steps) {
    const w = why.get(s.step);
    if (w) {
      kept.push({ ...ids(s), reason: reasonOf(w) });
    } else {
      dropped.push({
        ...ids(s),
        ...(effectDrops.get(s.step) ?? dropOf(s, index, why))
      });
    }
  }
  const keptSteps = steps.filter(s => why.has(s.step));
  const inputs = inputsOf(
    keptSteps.map(s => s.execution),
    keptSteps.length
  )
    .map(input => ({ ...input, step: keptSteps[input.step - 1].step }))
    .filter(input => !madeByTheRun(input, keptSteps));
  return {
    kept,
    dropped,
    target,
    inputs,
    outputs: outputsOf(keptSteps, inputs),
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
