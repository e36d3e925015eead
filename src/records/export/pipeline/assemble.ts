/**
 * A PipelineSpec from what the export rules found: the slice (kept and
 * dropped steps, inputs, outputs, %pip requirements), its params and
 * metrics (resultsOf), the analysis's facts and the code `rewriteParams`
 * gave back. The export service, `trail export` and the panel all build
 * their spec this way.
 */
import type { CellFacts } from '../facts';
import type { SliceResults } from '../params';
import type { Slice } from '../slice';
import type {
  PipelineEnvironment,
  PipelinePlacement,
  PipelineSource,
  PipelineSpec
} from './spec';

export interface PipelineSpecInput {
  source: PipelineSource;
  slice: Slice;
  results: SliceResults;
  /** The analysis's facts, by execution id. */
  facts: ReadonlyMap<string, CellFacts>;
  /**
   * The code of the steps whose literals `rewriteParams` turned into
   * `PARAMS["name"]`, by execution id; the others keep CellFacts.python.
   */
  rewritten?: ReadonlyMap<string, string>;
  environment?: PipelineEnvironment | null;
  placement?: PipelinePlacement;
}

/** The spec `buildPipeline` writes the folder from. */
export function pipelineSpecOf(input: PipelineSpecInput): PipelineSpec {
  const { slice, results, facts } = input;
  const factsOf = (executionId: string, step: number): CellFacts => {
    const found = facts.get(executionId);
    if (!found) {
      throw new Error(
        `Step ${step} was kept but the analysis gave no facts of it (execution ${executionId}).`
      );
    }
    return found;
  };
  const steps = slice.kept.map(kept => {
    const cell = factsOf(kept.executionId, kept.step);
    return {
      step: kept.step,
      executionId: kept.executionId,
      ...(kept.cellId ? { cellId: kept.cellId } : {}),
      reason: kept.reason,
      python: input.rewritten?.get(kept.executionId) ?? cell.python,
      imports: cell.imports
    };
  });
  const untranslated = slice.kept.flatMap(kept =>
    factsOf(kept.executionId, kept.step)
      .translations.filter(t => t.action === 'untranslated')
      .map(t => ({
        step: kept.step,
        line: t.line,
        magic: t.magic,
        ...(t.reason ? { reason: t.reason } : {})
      }))
  );
  const paramNotes: Record<string, string> = {};
  for (const param of results.params) {
    if (!param.overridable && param.note) {
      paramNotes[param.name] = param.note;
    }
  }
  return {
    source: input.source,
    steps,
    params: Object.fromEntries(results.params.map(p => [p.name, p.value])),
    wiredParams: results.params.filter(p => p.overridable).map(p => p.name),
    paramNotes,
    metrics: results.metrics.map(m => m.name),
    metricValues: Object.fromEntries(
      results.metrics.map(m => [m.name, m.value])
    ),
    inputs: slice.inputs,
    outputs: slice.outputs,
    pipRequirements: slice.requirements,
    environment: input.environment ?? null,
    dropped: slice.dropped,
    untranslated,
    unresolvedNames: slice.unresolved.map(u => ({
      step: u.step,
      name: u.name
    })),
    ...(input.placement ? { placement: input.placement } : {})
  };
}
