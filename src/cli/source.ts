/**
 * The recorded session a replay runs: its summary and its steps 1..k
 * (steps API), resolved before any kernel starts, so that a bad target
 * fails with nothing run. The steps' code comes from the session's listing
 * (a few pages, no outputs): the replay's notebook structure and the step
 * lines name it. The executions themselves (with outputs) are read as the
 * steps run (the replay runner fetches each one ahead).
 */
import type { TrailClient } from '../client';
import type { StepList } from '../client/api-schema';
import type { SessionSummary } from '../records/schema';
import { CliError } from './exit-codes';
import { orNull, resolveTarget } from './target';

/** One step of the steps API. */
export type SessionStep = StepList['steps'][number];

/** What is replayed. */
export interface SourceSession {
  session: SessionSummary;
  /** The session's number of steps. */
  total: number;
  /** The last step replayed. */
  upto: number;
  /** Whether the session recorded its notebook's structure. */
  structured: boolean;
  /** Steps 1..upto. */
  steps: SessionStep[];
  /** A cell's position in the notebook as it stood at step `upto`, when known. */
  cellNumber(cellId: string | null): number | undefined;
  /** The code an execution of steps 1..upto ran, when the listing had it. */
  codeOf(executionId: string): string | undefined;
}

/**
 * Resolves the target and fetches what the replay needs. `upto` defaults
 * to the step a link named, else the last step.
 */
export async function loadSource(
  client: TrailClient,
  target: string,
  upto: number | undefined
): Promise<SourceSession> {
  const resolved = await resolveTarget(client, target);
  const notFound = () =>
    new CliError(
      `No session ${resolved.sessionId} on ${client.baseUrl}: it does not exist, or it is not shared with you.`
    );
  const list = await orNull(client.getSteps(resolved.sessionId));
  const session = list && (await orNull(client.getSession(resolved.sessionId)));
  if (!list || !session) {
    throw notFound();
  }
  const total = list.total;
  if (total === 0) {
    throw new CliError(`Session ${session.id} has no executions to replay.`);
  }
  let last = upto;
  if (last === undefined && resolved.execution) {
    const seq = resolved.execution.seq;
    last = list.steps.find(step => step.seq === seq)?.step;
  }
  last = last ?? total;
  if (!Number.isInteger(last) || last < 1 || last > total) {
    throw new CliError(
      `Step ${last} is past the end: session ${session.id} has ${total} step${total === 1 ? '' : 's'} (--upto 1..${total}).`
    );
  }
  const lastStep = last;
  const steps = list.steps.filter(step => step.step <= lastStep);
  steps.sort((a, b) => a.step - b.step);
  const [positions, codes] = await Promise.all([
    cellPositions(client, session.id, lastStep),
    stepCodes(client, session.id, steps[steps.length - 1].seq)
  ]);
  return {
    session,
    total,
    upto: lastStep,
    structured: list.structured,
    steps,
    cellNumber: cellId => (cellId === null ? undefined : positions.get(cellId)),
    codeOf: id => codes.get(id)
  };
}

/** The code of each execution up to seq `last`, by execution id. */
async function stepCodes(
  client: TrailClient,
  sessionId: string,
  last: number
): Promise<Map<string, string>> {
  const codes = new Map<string, string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await client.listExecutions(sessionId, { limit: 200, cursor });
    for (const item of page.items) {
      codes.set(item.id, item.code);
    }
    const seen = page.items[page.items.length - 1]?.seq ?? last;
    if (!page.nextCursor || seen >= last) {
      return codes;
    }
    cursor = page.nextCursor;
  }
}

/** Each cell's 1-based position in the notebook as it stood at step k. */
async function cellPositions(
  client: TrailClient,
  sessionId: string,
  step: number
): Promise<Map<string, number>> {
  const positions = new Map<string, number>();
  try {
    const notebook = await client.getStep(sessionId, step);
    notebook.cells.forEach((cell, index) => {
      if (cell.cellId && !positions.has(cell.cellId)) {
        positions.set(cell.cellId, index + 1);
      }
    });
  } catch {
    // Only labels depend on it: cells are then named by their id.
  }
  return positions;
}
