/**
 * What `trail replay` was asked to replay: a session id, an execution id,
 * or a permalink (`…?trail-execution=<id>`, src/ui/permalink.ts), resolved
 * on the Trail server to a session and, for an execution, its step.
 */
import { TrailResponseError, type TrailClient } from '../client';
import { PERMALINK_PARAM, executionIdFrom } from '../ui/permalink';
import { CliError } from './exit-codes';

/** A session to replay, and the execution the target named, if it named one. */
export interface ResolvedTarget {
  sessionId: string;
  /** The execution a link or an execution id named (its step is the default `--upto`). */
  execution?: { id: string; seq: number };
}

/** Whether the text looks like a link rather than an id. */
function isLink(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

/**
 * Resolves `text` on the server. A link names an execution; a bare id is
 * a session's, else an execution's. Unknown and private ids are one and the
 * same answer, as the server gives them.
 */
export async function resolveTarget(
  client: TrailClient,
  text: string
): Promise<ResolvedTarget> {
  const value = text.trim();
  const id = executionIdFrom(value);
  if (id === null) {
    throw new CliError(
      isLink(value)
        ? `The link ${value} names no execution (it has no valid ?${PERMALINK_PARAM}=<id>).`
        : `"${value}" is neither a session id, an execution id nor a Trail link.`
    );
  }
  if (!isLink(value)) {
    const session = await orNull(client.getSession(id));
    if (session) {
      return { sessionId: session.id };
    }
  }
  const execution = await orNull(client.getExecution(id));
  if (execution) {
    return {
      sessionId: execution.sessionId,
      execution: { id: execution.id, seq: execution.seq }
    };
  }
  throw new CliError(
    isLink(value)
      ? `No execution ${id} on ${client.baseUrl}: it does not exist, or it is not shared with you.`
      : `No session or execution ${id} on ${client.baseUrl}: it does not exist, or it is not shared with you.`
  );
}

/** The answer, or null when the server says 404. */
export async function orNull<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof TrailResponseError && error.status === 404) {
      return null;
    }
    throw error;
  }
}
