/**
 * The words of a slice: why a step is kept ("writes model.pkl; defines X
 * and y used by steps 6 and 7") and why another is dropped, with its
 * detail ("superseded by step 9 (the same cell run again)",
 * "failed: NameError: name 'y' is not defined").
 */
import { failureOf, listed, metricsOf, writesOf } from './effects';
import {
  analysable,
  definesOf,
  describe,
  isEmpty,
  producedBy,
  type Step,
  type StepIndex
} from './slice-steps';
import type { DropReason } from './slice-types';
import { kernelDiedDuring } from '../status';

/** Why a step is kept, gathered while the closure runs. */
export interface Why {
  /** As a root: the files it wrote, and what it logged (or why it is a root). */
  writes: string[];
  logs: string[];
  /** consumer step -> the names it uses from this step. */
  names: Map<number, string[]>;
  /** consumer step -> the files it reads that this step wrote. */
  files: Map<number, string[]>;
  /** Its side effects later steps depend on, in words (slice-side-effects.ts). */
  effects: string[];
}

export function reasonOf(w: Why): string {
  // A file a later kept step reads is said once, with its reader.
  const read = new Set([...w.files.values()].flat());
  const parts = describe({
    writes: w.writes.filter(f => !read.has(f)),
    logs: w.logs
  });
  parts.push(...w.effects);
  const users = (map: Map<number, string[]>, verb: string, what: string) => {
    // The consumers that need the same things, together.
    const byItems = new Map<string, number[]>();
    const entries = [...map.entries()].sort((a, b) => a[0] - b[0]);
    for (const [step, items] of entries) {
      const key = listed(items);
      // Pushed in place: a module imported once may be used by thousands of steps.
      const consumers = byItems.get(key);
      if (consumers) {
        consumers.push(step);
      } else {
        byItems.set(key, [step]);
      }
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

export function dropOf(
  s: Step,
  index: StepIndex,
  kept: ReadonlyMap<number, Why>
): { reason: DropReason; detail: string } {
  const status = s.execution.status;
  if (status === 'error') {
    return { reason: 'failed', detail: failureOf(s.execution) };
  }
  if (status === 'interrupted') {
    return {
      reason: 'interrupted',
      detail: kernelDiedDuring(s.execution)
        ? 'the kernel died while it ran'
        : 'interrupted before it finished'
    };
  }
  if (status === 'aborted') {
    return {
      reason: 'aborted',
      detail: 'never ran: the kernel skipped it after an earlier error'
    };
  }
  if (!analysable(s)) {
    const produced = producedBy(s);
    const lost = isEmpty(produced)
      ? ''
      : `; what it did (${describe(produced).join('; ')}) is not in the pipeline`;
    return {
      reason: 'unparsable',
      detail: `does not parse: ${s.facts?.error ?? 'not analysed'}${lost}`
    };
  }
  const defines = definesOf(s);
  const writes = writesOf(s.execution).map(f => f.path);
  if (s.facts!.effects === 'display' && !defines.length && !writes.length) {
    return {
      reason: 'display',
      detail: 'only shows output: binds no name and writes no file'
    };
  }
  // Nothing kept used this run (else it would be kept): when the cell ran
  // again and bound the same names, that run replaced it.
  const rerun = index.nextRun(s);
  if (rerun && defines.every(n => definesOf(rerun).includes(n))) {
    const also = kept.has(rerun.step) ? '' : ', itself dropped';
    return {
      reason: 'superseded',
      detail: `superseded by step ${rerun.step} (the same cell run again${also})`
    };
  }
  const parts: string[] = [];
  if (defines.length) {
    parts.push(`defines ${listed(defines)}, which no kept step uses`);
  }
  if (writes.length) {
    parts.push(`writes ${listed(writes)}, which no kept step reads`);
  }
  const metrics = metricsOf(s.execution);
  if (metrics.length) {
    parts.push(`logs ${listed(metrics)}, not the target`);
  }
  return {
    reason: 'unused',
    detail: parts.length ? parts.join('; ') : 'changes nothing a kept step uses'
  };
}
