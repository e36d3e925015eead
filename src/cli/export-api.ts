/**
 * The export API as `trail export` uses it (POST /sessions/:id/export,
 * contract A of #15): the request, the answer, and the server's failures
 * turned into exit codes (an export the rules refuse is bad input, the
 * server or its analysis failing is a server failure).
 */
import { TrailResponseError, type TrailClient } from '../client';
import type { ExportRequest, ExportResult } from '../client/api-schema';
import { describeError } from '../client/errors';
import { CliError, ExitCode } from './exit-codes';

export type { ExportRequest, ExportResult };

/** Asks the server for the export; every failure is a CliError. */
export async function requestExport(
  client: TrailClient,
  sessionId: string,
  body: ExportRequest
): Promise<ExportResult> {
  try {
    return await client.exportPipeline(sessionId, body);
  } catch (error) {
    throw exportFailure(error, client.baseUrl, sessionId);
  }
}

/** What a failed export request tells the user, and the exit code. */
export function exportFailure(
  error: unknown,
  server: string,
  sessionId: string
): CliError {
  if (error instanceof TrailResponseError) {
    if (error.status === 404 && error.code === 'step_not_found') {
      return new CliError(`--upto: ${error.message}`);
    }
    if (error.status === 404) {
      return new CliError(
        `No session ${sessionId} on ${server}: it does not exist, or it is not shared with you.`
      );
    }
    if (error.status >= 400 && error.status < 500) {
      // 422: the rules cannot export it (no success, a target nothing
      // produced); 400: the request itself. The server's words name it.
      return new CliError(`Cannot export: ${error.message}`);
    }
    return new CliError(
      `The Trail server at ${server} could not export session ${sessionId}: ${error.message}`,
      ExitCode.Incomplete
    );
  }
  return new CliError(
    `The Trail server at ${server} could not export session ${sessionId}: ${describeError(error)}`,
    ExitCode.Incomplete
  );
}
