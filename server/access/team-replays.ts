/**
 * What replaying a session needs, as a person sees it: the inputs of steps
 * 1..k and the environment they ran with, the preflight of a target kernel
 * against them (src/records/replay: inputsOf, preflight), and the sessions
 * that replay or fork it (their lineage names it). Read through the access
 * layer like every other read: a session the caller may not read is a 404
 * with the body of an unknown one, and others' private replays are left
 * out of the listing before a page is cut.
 */
import type {
  InputList,
  PreflightReport,
  PreflightRequest,
  SessionPage
} from '../../src/client/api-schema';
import { inputsOf, type InputSource } from '../../src/records/replay/inputs';
import { preflight } from '../../src/records/replay/preflight';
import type {
  EnvironmentSnapshot,
  SessionSummary
} from '../../src/records/schema';
import { AppError } from '../errors';
import type { HistoryService, ListingQuery } from '../services/history';
import { parseLimit } from '../services/history';
import { timeMs } from '../store/time-order';
import type { StepRecord } from '../store/types';
import type { RecordValidator } from '../validation';
import type { Principal } from './directory';
import { decode, encode } from './listing-cursor';
import { readableSession } from './readable-session';
import type { TeamAccess } from './team';

/** The schema of the preflight body (schema/api). */
export const PREFLIGHT_REQUEST_SCHEMA =
  'https://trail.dev/schema/api/preflight-request.schema.json';

/** Executions read at a time for their captures. */
const CAPTURE_PAGE = 1000;

/** See the module comment. */
export class TeamReplays {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess,
    private readonly validator: RecordValidator
  ) {}

  /** GET /sessions/:id/inputs?upto=k. */
  async inputs(
    principal: Principal,
    id: string,
    query: { upto?: unknown }
  ): Promise<InputList> {
    const upto = parseUpto(query.upto);
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    const recorded = await this.recorded(principal, session, id, upto);
    const answer: InputList = { sessionId: id, upto, inputs: recorded.inputs };
    if (recorded.environment) {
      answer.environment = recorded.environment;
    }
    return answer;
  }

  /** POST /sessions/:id/preflight {upto, environment?, files}. */
  async preflight(
    principal: Principal,
    id: string,
    body: unknown
  ): Promise<PreflightReport> {
    // The session first: a body sent for a session one may not read says
    // nothing about it.
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    this.validator.assertBody<PreflightRequest>(
      PREFLIGHT_REQUEST_SCHEMA,
      body,
      'The preflight request'
    );
    const recorded = await this.recorded(principal, session, id, body.upto);
    return preflight(recorded, {
      environment: body.environment,
      files: body.files
    });
  }

  /**
   * GET /sessions/:id/replays: the sessions whose lineage names this one,
   * newest first, those the caller may read, paged like the session
   * listing.
   */
  async replays(
    principal: Principal,
    id: string,
    query: ListingQuery
  ): Promise<SessionPage> {
    const limit = parseLimit(query.limit);
    const cursor = decode('ts', query.cursor, ['string', 'string']) as
      [string, string, string] | undefined;
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    const store = this.access.store;
    // Lineage names the id its author saw: the public id, or the stored one.
    const ids = new Set(await store.replaysOf(id));
    if (session.id !== id) {
      for (const replay of await store.replaysOf(session.id)) {
        ids.add(replay);
      }
    }
    if (ids.size === 0) {
      return { items: [], nextCursor: null };
    }
    const { excludeIds } = this.access.sessionFilter(principal);
    const page = await store.listSessions({
      ids,
      excludeIds,
      limit,
      after: cursor && {
        startedAtMs: timeMs(cursor[1]),
        id: this.access.recordFor(principal, 'session', cursor[2])
      }
    });
    const items = page.items.map(s => this.access.decorate(s));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        page.next && last ? encode(['ts', last.startedAt, last.id]) : null
    };
  }

  /**
   * The inputs of steps 1..upto of a readable session and the environment
   * of step upto (a 404 `step_not_found` past the last step).
   */
  private async recorded(
    principal: Principal,
    session: SessionSummary,
    id: string,
    upto: number
  ): Promise<{
    inputs: InputList['inputs'];
    environment?: EnvironmentSnapshot;
  }> {
    const store = this.access.store;
    const steps = (await store.listSteps(session.id)) ?? [];
    const readable =
      this.access.aliases.size === 0
        ? steps
        : steps.filter(s =>
            this.access.canReadExecution(principal, {
              id: s.executionId,
              sessionId: session.id
            })
          );
    if (upto > readable.length) {
      throw stepNotFound(id, upto, readable.length);
    }
    const wanted = new Set(
      readable.slice(0, upto).map((s: StepRecord) => s.executionId)
    );
    const last = readable[upto - 1];
    const executions = await this.captures(session.id, wanted, last);
    const versions = session.environments ?? [];
    const version = [...versions].reverse().find(v => v.fromSeq <= last.seq);
    const environment = version
      ? ((await store.getEnvironment(version.id)) ?? undefined)
      : undefined;
    return {
      inputs: inputsOf(executions, upto),
      ...(environment ? { environment } : {})
    };
  }

  /** The seq and merged capture of the wanted executions, up to `last`. */
  private async captures(
    sessionId: string,
    wanted: ReadonlySet<string>,
    last: StepRecord
  ): Promise<InputSource[]> {
    const found: InputSource[] = [];
    let after: { seq: number; id: string } | undefined;
    for (;;) {
      const page = await this.access.store.listExecutions(sessionId, {
        limit: CAPTURE_PAGE,
        after
      });
      if (!page) {
        return found;
      }
      for (const x of page.items) {
        if (wanted.has(x.id)) {
          found.push({ seq: x.seq, capture: x.capture });
        }
        if (x.id === last.executionId) {
          return found;
        }
      }
      if (!page.next) {
        return found;
      }
      after = page.next;
    }
  }
}

/** The query parameter upto: a decimal integer from 1 (a 400 otherwise). */
function parseUpto(raw: unknown): number {
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

function stepNotFound(id: string, k: number, total: number): AppError {
  return new AppError(
    404,
    'step_not_found',
    total === 0
      ? `Session "${id}" has no step ${k}: it has no executions.`
      : `Session "${id}" has no step ${k}: its steps are 1 to ${total}.`
  );
}
