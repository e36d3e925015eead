/**
 * The routes as a person of the team sees them: ingest checked against
 * session ownership, every read filtered to what the caller may read, the
 * team listings, visibility changes, search and the change feed.
 */
import { Router, type Request } from 'express';
import type {
  EventBatch,
  ExecutionRecord,
  HistoryChanges,
  IngestResult,
  TrailEvent
} from '../../src/records/schema';
import { principalOf } from '../access/authenticate';
import type { ChangeFeed } from '../access/change-feed';
import type { TeamAccess } from '../access/team';
import type { TeamHistory } from '../access/team-history';
import { AppError } from '../errors';
import type { SearchService } from '../search/search-service';
import type { HistoryService } from '../services/history';
import type { IngestService } from '../services/ingest';
import { answerOtherMethods } from './methods';

/** The longest a change poll may wait, in ms. */
export const MAX_WAIT_MS = 25_000;

type Change = Omit<HistoryChanges['changes'][number], 'author'>;

/**
 * What storing a batch changed: its accepted events (`result` names them
 * by the caller's ids) as stored (`stored`, in the batch's order: records
 * under an alias carry its id; the change feed and search show them under
 * their public ids).
 */
function changesOf(
  batch: EventBatch,
  stored: readonly TrailEvent[],
  result: IngestResult
): { changes: Change[]; executions: ExecutionRecord[] } {
  const accepted = new Set(result.accepted);
  const changes: Change[] = [];
  const executions: ExecutionRecord[] = [];
  for (const [i, sent] of batch.events.entries()) {
    if (!accepted.has(sent.id)) {
      continue;
    }
    const event = stored[i];
    switch (event.kind) {
      case 'session.started':
        changes.push({
          kind: 'session',
          sessionId: event.session.id,
          notebookPath: event.session.notebookPath
        });
        break;
      case 'execution.completed':
        changes.push({
          kind: 'execution',
          sessionId: event.execution.sessionId,
          executionId: event.execution.id,
          notebookPath: event.execution.notebookPath
        });
        executions.push(event.execution);
        break;
      case 'execution.annotated':
        changes.push({
          kind: 'annotation',
          sessionId: event.sessionId,
          executionId: event.executionId,
          notebookPath: ''
        });
        break;
      default:
        break;
    }
  }
  return { changes, executions };
}

function parseWait(raw: unknown): number {
  if (raw === undefined) {
    return 0;
  }
  const n =
    typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 0 && n <= MAX_WAIT_MS)) {
    throw new AppError(
      400,
      'invalid_request',
      `The query parameter "wait" must be milliseconds from 0 to ${MAX_WAIT_MS}.`,
      [
        {
          path: '/query/wait',
          message: `must be an integer from 0 to ${MAX_WAIT_MS}`
        }
      ]
    );
  }
  return n;
}

/**
 * The body of a request whose body is a JSON document: a body declared of
 * another media type is a 415 (the JSON parser left it unread); without a
 * body (or a Content-Type) it is undefined, for the route to refuse
 * precisely.
 */
function jsonBody(req: Request): unknown {
  if (
    req.headers['content-type'] !== undefined &&
    !req.is('application/json')
  ) {
    throw new AppError(
      415,
      'unsupported_media_type',
      'Send the body as application/json.'
    );
  }
  return req.body;
}

/** Everything behind the bearer token. */
export function teamRoutes(deps: {
  ingest: IngestService;
  history: HistoryService;
  team: TeamHistory;
  access: TeamAccess;
  feed: ChangeFeed;
  search: SearchService;
}): Router {
  const { ingest, history, team, access, feed, search } = deps;
  const router = Router();

  router.post('/events', async (req, res) => {
    if (!req.is('application/json')) {
      throw new AppError(
        415,
        'unsupported_media_type',
        'Send the event batch as application/json.'
      );
    }
    const principal = principalOf(res);
    const batch = req.body as EventBatch;
    let stored: readonly TrailEvent[] = [];
    const result = await ingest.ingest(batch, async events => {
      const authorized = await access.authorizeIngest(principal, events);
      stored = authorized;
      return authorized;
    });
    const { changes, executions } = changesOf(batch, stored, result);
    for (const change of changes) {
      if (change.kind === 'annotation') {
        change.notebookPath =
          access.accessOf(change.sessionId)?.notebookPath ?? '';
      }
    }
    // The answer goes out first; the live search index and the change feed
    // follow in this same tick, so no later request can miss them.
    res.json(result);
    for (const record of executions) {
      search.add(record);
    }
    feed.push(changes);
  });

  router.get('/me', (_req, res) => {
    res.json(team.people.me(principalOf(res)));
  });
  router.get('/users', (_req, res) => {
    res.json(team.people.listUsers(principalOf(res)));
  });
  router.get('/notebooks', (req, res) => {
    res.json(team.people.listNotebooks(principalOf(res), req.query));
  });
  router.put('/notebooks/visibility', async (req, res) => {
    res.json(
      await team.people.setNotebookVisibility(principalOf(res), jsonBody(req))
    );
  });
  router.get('/sessions', (req, res) => {
    res.json(team.listSessions(principalOf(res), req.query));
  });
  router.get('/sessions/:id', (req, res) => {
    res.json(team.getSession(principalOf(res), req.params.id));
  });
  router.patch('/sessions/:id', async (req, res) => {
    res.json(
      await team.setSessionVisibility(
        principalOf(res),
        req.params.id,
        jsonBody(req)
      )
    );
  });
  router.get('/sessions/:id/executions', async (req, res) => {
    res.json(
      await team.listExecutions(principalOf(res), req.params.id, req.query)
    );
  });
  router.get('/executions/:id', async (req, res) => {
    res.json(await team.getExecution(principalOf(res), req.params.id));
  });
  router.get('/executions/:id/previous', async (req, res) => {
    res.json(await team.previousExecution(principalOf(res), req.params.id));
  });
  router.get('/cells/executions', async (req, res) => {
    res.json(await team.listCellExecutions(principalOf(res), req.query));
  });
  router.get('/search', async (req, res) => {
    res.json(await search.search(principalOf(res), req.query));
  });
  router.get('/changes', async (req, res) => {
    const after = req.query.after;
    if (after !== undefined && typeof after !== 'string') {
      throw new AppError(
        400,
        'invalid_request',
        'The query parameter "after" must be a cursor given once.',
        [{ path: '/query/after', message: 'must be a cursor given once' }]
      );
    }
    const wait = parseWait(req.query.wait);
    let closed = false;
    req.on('close', () => {
      closed = true;
    });
    const answer = await feed.poll(principalOf(res), after, wait);
    if (!closed) {
      res.json(answer);
    }
  });
  // Content-addressed: knowing the id means knowing the content's hash,
  // which only a reader of a record that cites it has.
  router.get('/environments/:id', async (req, res) => {
    res.json(await history.getEnvironment(req.params.id));
  });
  router.get('/blobs/:sha256', async (req, res) => {
    const blob = await history.getBlob(req.params.sha256);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.setHeader('ETag', `"${req.params.sha256}"`);
    res.end(blob);
  });
  return answerOtherMethods(router);
}
