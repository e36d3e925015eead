/**
 * The divergence rules of a replay: how a new execution of a recorded step
 * compares with the recorded one. Streams are compared per stream (stdout,
 * stderr) as their whole text, so a warning printed a moment earlier is not
 * a divergence of every output after it; the other outputs in order, each
 * by its richest kind (rich-outputs.ts). Nondeterministic tokens
 * (normalise.ts) are not a divergence unless the comparison is strict.
 */
import type { Output } from '../schema';
import {
  compareText,
  ComparableExecution,
  ComparisonContext,
  cut,
  ExecutionComparison,
  ICompareOptions,
  OutputDifference,
  Verdict
} from './difference';
import { clockOf } from './normalise';
import { compareRich } from './rich-outputs';

export type {
  ComparableExecution,
  ExecutionComparison,
  ICompareOptions,
  OutputDifference,
  Verdict
} from './difference';
export { MAX_SHOWN_CHARS } from './difference';

/**
 * Compares a replayed execution with the recorded one.
 * - `error-gone`: the recording failed, the replay did not;
 * - `new-error`: the replay failed where the recording did not, or with
 *   another error (ename or evalue, normalised);
 * - `differs`: some output differs;
 * - `same`: otherwise (an error with the same ename and evalue is the same,
 *   whatever its traceback says).
 */
export function compareExecutions(
  recorded: ComparableExecution,
  replayed: ComparableExecution,
  options: ICompareOptions = {}
): ExecutionComparison {
  const context = new ComparisonContext(
    options,
    clockOf(recorded),
    clockOf(replayed)
  );
  const differences = [
    ...compareStreams(recorded.outputs, replayed.outputs, context),
    ...compareRich(recorded.outputs, replayed.outputs, context)
  ];
  const recordedError = errorOf(recorded);
  const replayedError = errorOf(replayed);
  let verdict: Verdict;
  if (recordedError && !replayedError) {
    verdict = 'error-gone';
  } else if (!recordedError && replayedError) {
    verdict = 'new-error';
  } else if (
    recordedError &&
    replayedError &&
    !context.sameText(recordedError, replayedError)
  ) {
    verdict = 'new-error';
  } else {
    verdict = differences.length ? 'differs' : 'same';
  }
  return { verdict, differences, ignored: [...context.ignored].sort() };
}

/** "ename: evalue" of a failed execution, undefined when it succeeded. */
function errorOf(execution: ComparableExecution): string | undefined {
  const output = execution.outputs.find(o => o.output_type === 'error') as
    { ename: string; evalue: string } | undefined;
  const error = execution.error ?? output;
  if (error) {
    return `${error.ename}: ${error.evalue}`;
  }
  // Aborted or interrupted without an error output still did not run through.
  return execution.status === 'ok' ? undefined : execution.status;
}

function joined(text: unknown): string {
  return Array.isArray(text)
    ? text.join('')
    : typeof text === 'string'
      ? text
      : '';
}

function compareStreams(
  recorded: Output[],
  replayed: Output[],
  context: ComparisonContext
): OutputDifference[] {
  const differences: OutputDifference[] = [];
  for (const name of ['stdout', 'stderr']) {
    const mimeType = `stream/${name}`;
    const ofName = (o: Output) => o.output_type === 'stream' && o.name === name;
    const index = recorded.findIndex(ofName);
    const replayedIndex = replayed.findIndex(ofName);
    const a = recorded
      .filter(ofName)
      .map(o => joined(o.text))
      .join('');
    const b = replayed
      .filter(ofName)
      .map(o => joined(o.text))
      .join('');
    if (index < 0 && replayedIndex < 0) {
      continue;
    }
    if (index < 0) {
      differences.push({
        index: replayedIndex,
        kind: 'extra',
        mimeType,
        replayed: cut(b),
        summary: `the replay printed to ${name}, the recording did not`
      });
    } else if (replayedIndex < 0) {
      differences.push({
        index,
        kind: 'missing',
        mimeType,
        recorded: cut(a),
        summary: `the recording printed to ${name}, the replay did not`
      });
    } else {
      const difference = compareText(index, mimeType, a, b, context);
      if (difference) {
        differences.push(difference);
      }
    }
  }
  return differences;
}
