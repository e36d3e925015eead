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
import { preflight } from '../../src/records/replay/preflight';
import type { HistoryService, ListingQuery } from '../services/history';
import type { RecordValidator } from '../validation';
import type { Principal } from './directory';
import { readableSession } from './readable-session';
import { parseUpto, recordedInputs } from './session-inputs';
import { parseSessionPageQuery, sessionPage } from './session-page';
import type { TeamAccess } from './team';

/** The schema of the preflight body (schema/api). */
export const PREFLIGHT_REQUEST_SCHEMA =
  'https://trail.dev/schema/api/preflight-request.schema.json';

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
    const recorded = await recordedInputs(
      this.access,
      principal,
      session,
      id,
      upto
    );
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
    const recorded = await recordedInputs(
      this.access,
      principal,
      session,
      id,
      body.upto
    );
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
    const paging = parseSessionPageQuery(query);
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
    return sessionPage(
      this.access,
      principal,
      { ids, ...(excludeIds ? { excludeIds } : {}) },
      paging
    );
  }
}
