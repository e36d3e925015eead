/**
 * Execution summaries (execution-summary.schema.json): what listings carry
 * of an execution record.
 */
import type { ExecutionRecord, ExecutionSummary } from './schema';

/**
 * The summary of an execution record: everything but its outputs, with
 * their count and their types (each once, in order of first appearance).
 */
export function summarizeExecution(record: ExecutionRecord): ExecutionSummary {
  const { outputs, ...rest } = record;
  const outputTypes: ExecutionSummary['outputTypes'] = [];
  for (const output of outputs) {
    if (!outputTypes.includes(output.output_type)) {
      outputTypes.push(output.output_type);
    }
  }
  return { ...rest, outputCount: outputs.length, outputTypes };
}
