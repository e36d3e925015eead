/**
 * "Who already computed this?" as a person may ask it: the executions
 * with an execution's fingerprint, the ones a cell about to run would
 * repeat (by pathKey), and the sessions whose first steps a session
 * repeats, each among the sessions the caller may read only (another
 * person's private execution never matches, not even in a count) and
 * shown under public ids. An id the caller may not read is a 404 as an
 * unknown one.
 */
import {
  environmentAt,
  environmentKey,
  nextPathKey
} from '../../src/records/fingerprint';
import { nodeSha256Hex } from '../store/fingerprint-index';
import type {
  FingerprintLookupRequest,
  FingerprintLookupResult,
  IdenticalExecutions,
  IdenticalMatch,
  IdenticalPrefix,
  PrefixMatch
} from '../../src/client/api-schema';
import type { Person, SessionSummary } from '../../src/records/schema';
import type { HistoryService } from '../services/history';
import type { FingerprintMatch } from '../store/fingerprint-types';
import type { RecordValidator } from '../validation';
import type { Principal } from './directory';
import { notFound } from './listing-cursor';
import { readableSession } from './readable-session';
import type { TeamAccess } from './team';

/** The schema of the lookup body (schema/api). */
export const FINGERPRINT_LOOKUP_SCHEMA =
  'https://trail.dev/schema/api/fingerprint-lookup-request.schema.json';

/** Matches answered at most. */
const MATCH_LIMIT = 20;
/** Sessions an identical prefix names at most. */
const PREFIX_LIMIT = 5;

/** See the module comment. */
export class TeamFingerprints {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess,
    private readonly validator: RecordValidator
  ) {}

  /** Environment keys by environment id (a team has few environments). */
  private readonly environmentKeys = new Map<string, string | null>();

  /** GET /executions/:id/identical. */
  async identical(
    principal: Principal,
    id: string
  ): Promise<IdenticalExecutions> {
    const stored = this.access.recordFor(principal, 'execution', id);
    const record =
      stored === id
        ? await this.history.getExecution(id)
        : await this.access.store.getExecution(stored);
    if (!record || !this.access.canReadExecution(principal, record)) {
      throw notFound('execution', id);
    }
    const fp = await this.access.store.fingerprintOf(record.id);
    if (!fp?.fingerprint) {
      return { fingerprint: null, matches: [] };
    }
    const found = await this.access.store.executionsByFingerprint(
      fp.fingerprint,
      {
        excludeSessionIds: this.excluded(principal, record.sessionId),
        excludeExecutionId: record.id,
        limit: MATCH_LIMIT
      }
    );
    return {
      fingerprint: fp.fingerprint,
      matches: await this.publicMatches(principal, found)
    };
  }

  /** POST /fingerprints/lookup {sessionId, previousExecutionId, code}. */
  async lookup(
    principal: Principal,
    body: unknown
  ): Promise<FingerprintLookupResult> {
    this.validator.assertBody<FingerprintLookupRequest>(
      FINGERPRINT_LOOKUP_SCHEMA,
      body,
      'The lookup request'
    );
    const sessionId = this.access.recordFor(
      principal,
      'session',
      body.sessionId
    );
    const session = await this.access.store.getSession(sessionId);
    if (!session || !this.access.canReadSession(principal, session.id)) {
      // Its session.started is still on its way, or (the same answer, so
      // a private session is not told from a missing one) not readable.
      return { state: 'previous-unknown', matches: [] };
    }
    let previous: string | null = null;
    let seq = 1;
    if (body.previousExecutionId !== null) {
      const fp = await this.access.store.fingerprintOf(
        this.access.recordFor(principal, 'execution', body.previousExecutionId)
      );
      if (!fp || fp.sessionId !== session.id || fp.fingerprint === null) {
        // Not stored yet (in flight), another session's, or a file hash
        // still pending: the path is not known.
        return { state: 'previous-unknown', matches: [] };
      }
      previous = fp.fingerprint;
      seq = fp.seq + 1;
    }
    const environmentId = environmentAt(session.environments, seq);
    const pathKey = nextPathKey(
      body.code,
      environmentId === null
        ? null
        : await this.environmentKeyOf(environmentId),
      previous,
      nodeSha256Hex
    );
    const found = await this.access.store.executionsByPathKey(pathKey, {
      excludeSessionIds: this.excluded(principal, session.id),
      limit: MATCH_LIMIT
    });
    return {
      state: 'ok',
      matches: await this.publicMatches(principal, found)
    };
  }

  /** GET /sessions/:id/identical-prefix. */
  async identicalPrefix(
    principal: Principal,
    id: string
  ): Promise<IdenticalPrefix> {
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    const fingerprints =
      (await this.access.store.sessionFingerprints(session.id)) ?? [];
    const exclude = this.excluded(principal, session.id);
    const matches: PrefixMatch[] = [];
    const sessions = new Map<string, SessionSummary | null>();
    // Longest first: a session matching at step k matches at every step
    // before it too (a fingerprint holds the whole path).
    for (let i = fingerprints.length - 1; i >= 0; i--) {
      const fingerprint = fingerprints[i].fingerprint;
      if (fingerprint === null) {
        continue;
      }
      const found = await this.access.store.executionsByFingerprint(
        fingerprint,
        { excludeSessionIds: exclude, limit: PREFIX_LIMIT - matches.length }
      );
      for (const { execution } of found) {
        exclude.add(execution.sessionId);
        if (!this.access.canReadExecution(principal, execution)) {
          continue;
        }
        const author = await this.authorOf(execution.sessionId, sessions);
        matches.push({
          sessionId: this.access.publicId(execution.sessionId),
          notebookPath: execution.notebookPath,
          ...(author ? { author } : {}),
          step: i + 1
        });
      }
      if (matches.length >= PREFIX_LIMIT) {
        break;
      }
    }
    return { matches };
  }

  /** The key of a stored environment (as fingerprints take it), or null. */
  private async environmentKeyOf(id: string): Promise<string | null> {
    if (!this.environmentKeys.has(id)) {
      const snapshot = await this.access.store.getEnvironment(id);
      this.environmentKeys.set(
        id,
        snapshot && environmentKey(snapshot, nodeSha256Hex)
      );
    }
    return this.environmentKeys.get(id) ?? null;
  }

  /** The sessions `principal` may not read, and `own`. */
  private excluded(principal: Principal, own: string): Set<string> {
    const ids = this.access.unreadableBy(principal);
    ids.add(own);
    return ids;
  }

  private async publicMatches(
    principal: Principal,
    found: FingerprintMatch[]
  ): Promise<IdenticalMatch[]> {
    const sessions = new Map<string, SessionSummary | null>();
    const matches: IdenticalMatch[] = [];
    for (const { execution: x, step } of found) {
      if (!this.access.canReadExecution(principal, x)) {
        continue;
      }
      const author = await this.authorOf(x.sessionId, sessions);
      matches.push({
        executionId: this.access.publicId(x.id),
        sessionId: this.access.publicId(x.sessionId),
        notebookPath: x.notebookPath,
        step,
        ...(author ? { author } : {}),
        endedAt: x.endedAt,
        durationMs: x.durationMs,
        status: x.status
      });
    }
    return matches;
  }

  private async authorOf(
    sessionId: string,
    cache: Map<string, SessionSummary | null>
  ): Promise<Person | undefined> {
    if (!cache.has(sessionId)) {
      const summary = await this.access.store.getSession(sessionId);
      cache.set(sessionId, summary && this.access.decorate(summary));
    }
    return cache.get(sessionId)?.author;
  }
}
