/**
 * The params and metrics of a slice (#15): the last value of each over the
 * kept steps, and which params the pipeline can make overridable: those the
 * analysis traced to a name bound to a literal in the logging cell
 * (`lr = 0.1; trail.log_param("lr", lr)`), whose literal `rewriteParams`
 * turns into `PARAMS["lr"]`.
 */
import type { ExecutionRecord, ParamValue } from '../schema';
import type { CellFacts } from './facts';
import type { Slice } from './slice';

export interface SliceParam {
  name: string;
  /** The last value logged by a kept step. */
  value: ParamValue;
  /** The step that logged it. */
  step: number;
  executionId: string;
  /** The name bound to its literal in that step's cell, when the analysis found one. */
  target?: string;
  /** Whether `--name value` (and params.yaml) can change it. */
  overridable: boolean;
  /** Why it cannot be overridden, when it cannot. */
  note?: string;
}

export interface SliceMetric {
  name: string;
  /** The last point logged by a kept step (null: NaN or an infinity). */
  value: number | null;
  step: number;
  executionId: string;
  /** How many points the kept steps logged under this name. */
  points: number;
}

export interface SliceResults {
  params: SliceParam[];
  metrics: SliceMetric[];
  /**
   * For each kept step (by execution id) whose cell binds a param's
   * literal, `{param name: target}` for `rewriteParams`: only the steps that
   * logged the param's final value, so the pipeline's defaults reproduce
   * the run exactly (an earlier step that logged another value keeps its
   * literal).
   */
  rewrites: Map<string, Record<string, string>>;
}

export function resultsOf(
  slice: Slice,
  executions: readonly ExecutionRecord[],
  facts: Map<string, CellFacts>
): SliceResults {
  const byId = new Map(executions.map(e => [e.id, e]));
  const kept = slice.kept
    .map(k => ({ step: k.step, execution: byId.get(k.executionId) }))
    .filter((k): k is { step: number; execution: ExecutionRecord } =>
      Boolean(k.execution)
    );
  const params = new Map<string, SliceParam>();
  const metrics = new Map<string, SliceMetric>();
  for (const { step, execution } of kept) {
    const logged = execution.capture?.params ?? {};
    const traced = facts.get(execution.id)?.params ?? [];
    for (const [name, value] of Object.entries(logged)) {
      const target = traced.find(p => p.name === name)?.target;
      const param: SliceParam = {
        name,
        value,
        step,
        executionId: execution.id,
        overridable: false
      };
      if (target) {
        param.target = target;
      }
      // Delete first so the order is the order of the last logging.
      params.delete(name);
      params.set(name, judge(param));
    }
    for (const point of execution.capture?.metrics ?? []) {
      const known = metrics.get(point.name);
      metrics.set(point.name, {
        name: point.name,
        value: point.value,
        step,
        executionId: execution.id,
        points: (known?.points ?? 0) + 1
      });
    }
  }
  const rewrites = new Map<string, Record<string, string>>();
  for (const param of params.values()) {
    if (!param.overridable) {
      continue;
    }
    for (const { execution } of kept) {
      const logged = execution.capture?.params ?? {};
      const target = facts
        .get(execution.id)
        ?.params.find(p => p.name === param.name)?.target;
      if (
        target &&
        param.name in logged &&
        logged[param.name] === param.value
      ) {
        rewrites.set(execution.id, {
          ...(rewrites.get(execution.id) ?? {}),
          [param.name]: target
        });
      }
    }
  }
  return {
    params: [...params.values()],
    metrics: [...metrics.values()],
    rewrites
  };
}

function judge(param: SliceParam): SliceParam {
  if (!param.target) {
    return {
      ...param,
      note: 'logged from an expression, not from a name bound to a literal in its cell'
    };
  }
  if (param.value === null) {
    return {
      ...param,
      note: 'logged as None: no type to read an override with'
    };
  }
  return { ...param, overridable: true };
}
