/**
 * The OpenAPI operations on a session's steps (replay, issue #13).
 */
import {
  AUTH_ERRORS,
  BAD_ID,
  errorResponse,
  json,
  pathParam,
  ref
} from './parts';

/** The paths of a session's steps; session ids match `idPattern`. */
export function stepPaths(idPattern: string): Record<string, object> {
  const sessionId = pathParam('id', 'Session id.', idPattern);
  return {
    '/sessions/{id}/steps': {
      get: {
        summary: 'A session’s steps',
        description:
          'The session’s executions in seq order as steps 1..total (status, start and duration of each), and whether the session recorded its notebook’s structure (structure.captured events). A session the caller may not read answers as an unknown one.',
        parameters: [sessionId],
        responses: {
          '200': json(ref('StepList'), 'The steps.'),
          ...BAD_ID,
          ...AUTH_ERRORS,
          '404': errorResponse('Unknown session (not_found).')
        }
      }
    },
    '/sessions/{id}/steps/{k}': {
      get: {
        summary: 'The notebook as it stood at step k',
        description:
          'Every cell of the notebook at step k in order: the cells of the latest structure sent at or before the execution of step k, cells deleted since an earlier structure (state deleted, at their last position), each code cell with its latest execution up to k (ran) or none (not-run), markdown and raw cells with their source; current marks the cell run at step k. A cell edited and not run again has its new source and its execution’s code. Without structure (sessions recorded before structure capture, structured false) the cells are those run up to k, in order of first run.',
        parameters: [
          sessionId,
          pathParam('k', 'The step, from 1.', '^[0-9]{1,9}$')
        ],
        responses: {
          '200': json(ref('NotebookAtStep'), 'The notebook at step k.'),
          '400': errorResponse(
            'A malformed session id, or k not a step number (invalid_request).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse(
            'Unknown session (not_found), or no step k: below 1 or past the last (step_not_found).'
          )
        }
      }
    }
  };
}
