/**
 * What a session's steps 1..k read, as a person sees it: the readable
 * steps, the captures of the wanted executions read a page at a time, the
 * inputs of steps 1..k (src/records/replay/inputs) and the environment step
 * k ran with. The preflight of a replay and the contract of a fork both
 * start from there.
 */
import type { InputList } from '../../src/client/api-schema';
import { inputsOf, type InputSource } from '../../src/records/replay/inputs';
import type {
  EnvironmentSnapshot,
  ExecutionSummary,
  SessionSummary
} from '../../src/records/schema';
import { AppError } from '../errors';
import type { StepRecord } from '../store/types';
import type { Principal } from './directory';
import type { TeamAccess } from './team';

/** Executions read at a time for their captures. */
const CAPTURE_PAGE = 1000;

/** A readable session's steps in seq order, those `principal` may read. */
export async function readableSteps(
  access: TeamAccess,
  principal: Principal,
  session: SessionSummary
): Promise<StepRecord[]> {
  const steps = (await access.store.listSteps(session.id)) ?? [];
  return access.aliases.size === 0
    ? steps
    : steps.filter(s =>
        access.canReadExecution(principal, {
          id: s.executionId,
          sessionId: session.id
        })
      );
}

/**
 * The inputs of steps 1..upto of a readable session and the environment
 * of step upto (a 404 `step_not_found` past the last step; `id` is the id
 * the caller named it by).
 */
export async function recordedInputs(
  access: TeamAccess,
  principal: Principal,
  session: SessionSummary,
  id: string,
  upto: number
): Promise<{
  inputs: InputList['inputs'];
  environment?: EnvironmentSnapshot;
}> {
  const readable = await readableSteps(access, principal, session);
  if (upto > readable.length) {
    throw stepNotFound(id, upto, readable.length);
  }
  const wanted = new Set(readable.slice(0, upto).map(s => s.executionId));
  const last = readable[upto - 1];
  const executions = await executionsOf(
    access,
    session.id,
    wanted,
    last.executionId,
    (x): InputSource => ({ seq: x.seq, capture: x.capture })
  );
  const versions = session.environments ?? [];
  const version = [...versions].reverse().find(v => v.fromSeq <= last.seq);
  const environment = version
    ? ((await access.store.getEnvironment(version.id)) ?? undefined)
    : undefined;
  return {
    inputs: inputsOf(executions, upto),
    ...(environment ? { environment } : {})
  };
}

/**
 * The wanted executions of a stored session in seq order (their summaries,
 * with merged captures, through `pick`), read a page at a time and no
 * further than execution `lastId`.
 */
export async function executionsOf<T>(
  access: TeamAccess,
  sessionId: string,
  wanted: ReadonlySet<string>,
  lastId: string | undefined,
  pick: (execution: ExecutionSummary) => T
): Promise<T[]> {
  const found: T[] = [];
  let after: { seq: number; id: string } | undefined;
  for (;;) {
    const page = await access.store.listExecutions(sessionId, {
      limit: CAPTURE_PAGE,
      after
    });
    if (!page) {
      return found;
    }
    for (const x of page.items) {
      if (wanted.has(x.id)) {
        found.push(pick(x));
      }
      if (x.id === lastId) {
        return found;
      }
    }
    if (!page.next) {
      return found;
    }
    after = page.next;
  }
}

/** The query parameter upto: a decimal integer from 1 (a 400 otherwise). */
export function parseUpto(raw: unknown): number {
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    const message =
      raw === undefined
        ? 'is required: the last step (an integer from 1)'
        : 'must be a step number (an integer from 1)';
    throw new AppError(
      400,
      'invalid_request',
      `The query parameter "upto" ${message}.`,
      [{ path: '/query/upto', message }]
    );
  }
  return Number(raw);
}

/** The 404 of a step past a session's last. */
export function stepNotFound(id: string, k: number, total: number): AppError {
  return new AppError(
    404,
    'step_not_found',
    total === 0
      ? `Session "${id}" has no step ${k}: it has no executions.`
      : `Session "${id}" has no step ${k}: its steps are 1 to ${total}.`
  );
}
