/**
 * The filter rules (src/records/runs) as the leaderboard uses them: a
 * check before a filter is sent, and completion at the caret.
 */
import {
  filterCompletions,
  FilterSyntaxError,
  parseFilter
} from '../records/runs';
import type { IFilterProblem, RunNames } from '../model/runs';
import type { FilterCompleter } from '../ui/runs';

/**
 * Checks a filter with the filter parser (the one the server runs): its
 * problem with the position, or null when it parses.
 */
export function filterValidator(): (text: string) => IFilterProblem | null {
  return text => {
    try {
      parseFilter(text);
      return null;
    } catch (reason) {
      if (reason instanceof FilterSyntaxError) {
        return { message: reason.message, position: reason.position };
      }
      // Anything else is the server's to say.
      return null;
    }
  };
}

/**
 * Completion of fields, operators, param and metric names, tags and
 * authors known from the runs.
 */
export function filterCompleter(names: RunNames): FilterCompleter {
  const known = {
    params: names.params.map(entry => entry.name),
    metrics: names.metrics.map(entry => entry.name),
    tags: names.tags,
    authors: names.authors
  };
  return (text, offset) => filterCompletions(text, offset, known);
}
