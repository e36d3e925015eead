/**
 * The OpenAPI operation of an export to a pipeline (issue #15): a
 * session's steps 1..upto, or what produced one file or metric, as the
 * files of a pipeline folder with the report of what was kept and why.
 */
import {
  AUTH_ERRORS,
  errorResponse,
  json,
  NOT_JSON,
  pathParam,
  ref
} from './parts';

/** The export path; session ids match `idPattern`. */
export function exportPaths(idPattern: string): Record<string, object> {
  const sessionId = pathParam('id', 'Session id.', idPattern);
  return {
    '/sessions/{id}/export': {
      post: {
        summary:
          'Export steps 1..upto (or what produced a file or metric) as a pipeline',
        description:
          'Keeps the steps that produced the target (the session’s results, one written file, one logged metric) with why, drops the others with why (failed, interrupted, aborted, superseded, display, unused, unparsable), translates IPython magics to plain Python (what cannot be translated is left as a comment and listed), and answers the pipeline folder’s files: pipeline.py, params.yaml, requirements.txt pinned from the recorded environment and its lock, python_env.yaml, MLproject, dvc.yaml, Dockerfile, a papermill notebook and a README. `expected` is what a run should reproduce (output hashes, last metric values, params). The server writes nothing. The code analysis runs in the Python of TRAIL_PYTHON (set by the Python package that starts the server).',
        parameters: [sessionId],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: ref('ExportRequest') } },
          description:
            'The last step (default: the last), the target (default: the session) and the folder relative to the notebook’s (default pipelines/<notebook stem>-<YYYY-MM-DD>). No body: all defaults.'
        },
        responses: {
          '200': json(
            ref('ExportResult'),
            'The folder’s files and the report.'
          ),
          '400': errorResponse(
            'A malformed session id, a body that does not fit ExportRequest or a folder that is absolute or leaves the notebook’s folder (invalid_request, details from /body), or malformed JSON (invalid_json).'
          ),
          ...AUTH_ERRORS,
          '404': errorResponse(
            'Unknown session, or one the caller may not read (not_found, the same answer). No step upto: past the last (step_not_found).'
          ),
          ...NOT_JSON,
          '422': errorResponse(
            'Nothing to export (code no-success: no step up to upto succeeded; target-not-produced: no successful step wrote the file or logged the metric, named in the message; target-unparsable: the step that produced it does not parse; nothing-to-export; bad-target).'
          ),
          '503': errorResponse(
            'The code analysis could not run (analysis_unavailable): the message names the Python tried and why (missing, no jupyterlab-trail, failed, timed out).'
          )
        }
      }
    }
  };
}
