/**
 * The OpenAPI operations on runs (#16): the team's sessions summarised by
 * their params, metrics, tags, inputs and status.
 */
import { RUN_PAGE_LIMIT } from '../access/run-query-params';
import { MAX_SERIES_POINTS } from '../access/team-runs';
import {
  AUTH_ERRORS,
  BAD_ID,
  errorResponse,
  json,
  pathParam,
  ref
} from './parts';

/** A query parameter described by a property of RunListQuery. */
const runQuery = (name: string, description: string, schema: object = {}) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', ...schema }
});

/** The paths of the runs; session ids match `idPattern`. */
export function runPaths(idPattern: string): Record<string, object> {
  const runId = pathParam('id', 'Run (session) id.', idPattern);
  return {
    '/runs': {
      get: {
        summary: 'Runs, filtered, sorted and paged',
        description:
          'The runs the caller may read (a private run of someone else is never listed, counted in total or named by a cursor), those the filter, notebook and dates keep, in the sort’s order. ' +
          'Filter language: comparisons `field op value` with `= != > >= < <= ~` (case-insensitive substring), `field in [v, …]`, `field exists`, joined by and, or, not and parentheses. ' +
          'Fields: params.NAME, metrics.NAME (last value), metrics.NAME.min|max|count, author (user or display name), notebook, tag, kind, status, started (ISO date or date-time), duration (seconds), executions, input, input.sha256, id; a NAME of other characters is backquoted (params.`learning rate`). ' +
          'Values: numbers, "strings" or \'strings\', true, false, null. Numbers compare as numbers and strings as strings; a missing field or a value of another type never matches (!= included) except under not. ' +
          'A filter that does not parse answers 400 with the position: `filter: at 23: expected … but found …`.',
        parameters: [
          runQuery('filter', 'The filter (empty: every run).', {
            maxLength: 10000
          }),
          runQuery(
            'sort',
            'Comma-separated fields, - before one for descending (default -started). Numbers as numbers, strings by code point, numbers before strings; missing values last in both directions; ties by start, newest first, then id.',
            { minLength: 1 }
          ),
          runQuery(
            'columns',
            'Comma-separated params.NAME, metrics.NAME, params.*, metrics.*: the params and metrics the items carry (every one when absent).',
            { minLength: 1 }
          ),
          {
            name: 'limit',
            in: 'query',
            description: `Page size, ${RUN_PAGE_LIMIT.min} to ${RUN_PAGE_LIMIT.max}.`,
            schema: {
              type: 'integer',
              minimum: RUN_PAGE_LIMIT.min,
              maximum: RUN_PAGE_LIMIT.max,
              default: RUN_PAGE_LIMIT.default
            }
          },
          runQuery(
            'cursor',
            'The next of the previous page (opaque; the same sort).',
            {
              minLength: 1
            }
          ),
          runQuery('notebook', 'Only runs of this notebook path.', {
            minLength: 1
          }),
          runQuery(
            'from',
            'Only runs started at or after this RFC 3339 date-time (or date, midnight UTC).',
            { minLength: 1 }
          ),
          runQuery(
            'to',
            'Only runs started before this RFC 3339 date-time (or date, midnight UTC).',
            { minLength: 1 }
          )
        ],
        responses: {
          '200': json(ref('RunPage'), 'A page of runs and how many match.'),
          '400': errorResponse(
            'A filter, sort or columns that does not parse (the message and detail give the position and what was expected), a bad limit, date or cursor, a parameter given twice (invalid_request, detail /query/NAME).'
          ),
          ...AUTH_ERRORS
        }
      }
    },
    '/runs/names': {
      get: {
        summary: 'Param and metric names, tags and authors of the runs',
        description:
          'Over the runs the caller may read: each param and metric name with how many runs have it, the tags and the authors’ user names, sorted; for completing filters and picking columns.',
        responses: {
          '200': json(ref('RunNames'), 'The names.'),
          ...AUTH_ERRORS
        }
      }
    },
    '/runs/{id}': {
      get: {
        summary: 'One run',
        description:
          'The run of a session. A session the caller may not read answers as an unknown one.',
        parameters: [runId],
        responses: {
          '200': json(ref('RunSummary'), 'The run.'),
          ...BAD_ID,
          ...AUTH_ERRORS,
          '404': errorResponse('Unknown run (not_found).')
        }
      }
    },
    '/runs/{id}/metrics': {
      get: {
        summary: 'A run’s metric series',
        description: `Every logged point of the named metrics (every metric when names is absent) in seq order, then log order, from the captures of the session’s executions (annotations merged); a named metric never logged has an empty series. At most ${MAX_SERIES_POINTS} points per metric: beyond, the series is thinned evenly (first and last kept) and named in thinnedNames.`,
        parameters: [
          runId,
          runQuery(
            'names',
            'Comma-separated metric names; a name holding a comma between backquotes.',
            { minLength: 1 }
          )
        ],
        responses: {
          '200': json(ref('RunMetrics'), 'The series.'),
          '400': errorResponse(
            'A malformed id or names (invalid_request, detail /params/id or /query/names).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse('Unknown run (not_found).')
        }
      }
    }
  };
}
