/**
 * `trail record-run <capture.json>`: records one run of an exported
 * pipeline (#15 contract D). jupyterlab_trail/pipeline_run.py captures the
 * run in the pipeline's own process and calls this command at its end; the
 * run becomes a session of one execution whose lineage names the exported
 * session and step (run-events.ts), delivered to the Trail server with the
 * replay's uploader.
 */
import { readFile } from 'node:fs/promises';
import { connect, type TrailConnection } from './config';
import { CliError, ExitCode } from './exit-codes';
import { readRunDocument, runEvents } from './run-events';
import type { CliIO } from './session-command';
import { EventUploader } from './upload';

/** The options of `trail record-run`. */
export interface RecordRunOptions {
  json?: boolean;
}

/** What `--json` prints: where the run was recorded. */
export interface RecordRunResult {
  sessionId: string;
  executionId: string;
  server: string;
  lineage: { kind: 'export'; sessionId: string; step: number };
}

/** Runs the command; resolves with its exit code. */
export async function recordRun(
  file: string,
  options: RecordRunOptions,
  io: CliIO
): Promise<ExitCode> {
  let connection: TrailConnection | null = null;
  try {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(
        `Cannot read the run capture ${file}: ${(error as Error).message}`
      );
    }
    const document = readRunDocument(raw);
    const events = runEvents(document);
    connection = await connect(io.env, line => io.err(line));
    const uploader = new EventUploader(connection.client);
    for (const event of events) {
      uploader.add(event);
    }
    const outcome = await uploader.finish();
    if (!outcome.delivered) {
      throw new CliError(
        `The run could not be delivered to ${connection.url}: ${outcome.error ?? 'not acknowledged'}`,
        ExitCode.Incomplete
      );
    }
    const session = events[0];
    const execution = events[events.length - 1];
    if (
      session.kind !== 'session.started' ||
      execution.kind !== 'execution.completed'
    ) {
      throw new Error('run events out of order');
    }
    const result: RecordRunResult = {
      sessionId: session.session.id,
      executionId: execution.execution.id,
      server: connection.url,
      lineage: {
        kind: 'export',
        sessionId: document.source.session,
        step: document.source.step
      }
    };
    io.out(
      options.json
        ? JSON.stringify(result, null, 2)
        : `Recorded the pipeline run (${execution.execution.status}) as session ${result.sessionId} on ${result.server}, exported from session ${result.lineage.sessionId} step ${result.lineage.step}.`
    );
    return ExitCode.Same;
  } catch (error) {
    if (!(error instanceof CliError)) {
      throw error;
    }
    if (options.json) {
      io.out(
        JSON.stringify(
          { error: { message: error.message, exitCode: error.code } },
          null,
          2
        )
      );
    }
    io.err(`trail record-run: ${error.message}`);
    return error.code;
  } finally {
    await connection?.close();
  }
}
