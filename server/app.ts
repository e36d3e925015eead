/**
 * createApp: the Trail HTTP API as an Express app that never listens
 * itself (index.ts does, tests use supertest). Routes parse, call one
 * service and answer; services hold the logic; the store holds the data.
 * What follows an ingest (the access bookkeeping, the search index, the
 * change feed) is connected here to the ingest service's `stored` signal;
 * on a database several servers share, the backend's follower feeds the
 * change feed instead, every server's batches in the database's order
 * (store/postgres/pg-follower.ts, attached to the app's runtime).
 */
import express, { type Express } from 'express';
import { AppError, errorHandler, type ErrorLog } from './errors';
import { authenticate, ownerPrincipal } from './access/authenticate';
import { ChangeFeed } from './access/change-feed';
import type { Principal } from './access/directory';
import { OwnershipStore } from './access/ownership';
import { TeamAccess } from './access/team';
import type { TeamDirectory } from './access/team-directory';
import { TeamExecutions } from './access/team-executions';
import { TeamPeople } from './access/team-people';
import { TeamSessions } from './access/team-sessions';
import { TeamSteps } from './access/team-steps';
import { TeamForks } from './access/team-forks';
import { TeamReplays } from './access/team-replays';
import { TeamExports } from './access/team-exports';
import { TeamRuns } from './access/team-runs';
import { TeamFingerprints } from './access/team-fingerprints';
import { cors } from './http/cors';
import { checkJsonShape } from './http/json-limits';
import { buildOpenApiDocument } from './openapi';
import { changeRoutes } from './routes/changes';
import { contentRoutes } from './routes/content';
import { eventRoutes } from './routes/events';
import { executionRoutes } from './routes/executions';
import { fingerprintRoutes } from './routes/fingerprints';
import { openApiRoutes, publicRoutes, storeHealth } from './routes/meta';
import { peopleRoutes } from './routes/people';
import { searchRoutes } from './routes/search';
import { sessionRoutes } from './routes/sessions';
import { stepRoutes } from './routes/steps';
import { forkRoutes } from './routes/fork';
import { replayRoutes } from './routes/replay';
import { exportRoutes } from './routes/export';
import { runRoutes } from './routes/runs';
import type { HistorySearch } from './search/history-search';
import { SearchService } from './search/search-service';
import {
  loadApiSchemas,
  loadRecordSchemas,
  recordIdPattern,
  type JsonSchemaDocument
} from './schemas';
import { HistoryService } from './services/history';
import {
  IngestService,
  storedExecutions,
  type StoredBatch
} from './services/ingest';
import type { Signal } from './signal';
import type { TrailStore } from './store/types';
import { RecordValidator } from './validation';

/** The base path of every route. */
export const API_BASE = '/api/v1';

/** The default request body limit: 16 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** What the app is built from. */
export interface AppDeps {
  store: TrailStore;
  /** The bearer token every non-public request must carry. */
  token: string;
  /** Allowed CORS origins (default: any local http origin). */
  corsOrigins?: string[];
  /** Request body limit in bytes (default 16 MiB). */
  maxBodyBytes?: number;
  /** Where unexpected errors are logged (default: console.error). */
  log?: ErrorLog;
  /** The record schemas (default: loaded from schema/records). */
  schemas?: Record<string, JsonSchemaDocument>;
  /** The API's schemas (default: loaded from schema/api). */
  apiSchemas?: Record<string, JsonSchemaDocument>;
  /** Who holds `token` (default: the OS user, as admin). */
  owner?: Principal;
  /** The team's users and personal tokens (default: none, the owner only). */
  directory?: TeamDirectory | null;
  /** Session ownership (default: kept in memory). */
  access?: TeamAccess;
  /** Build the search index of the stored history at once (default true). */
  indexHistory?: boolean;
  /**
   * The key cursors are sealed with (32 bytes; default: made at start).
   * Servers that share a database share one, kept there, so that a cursor
   * one of them made opens on another.
   */
  cursorKey?: Buffer;
  /**
   * The search backend (default: SearchService, text indexes in memory
   * built from the store). A database backend searches with its own text
   * search instead.
   */
  search?: HistorySearch;
  /**
   * Awaited before every authenticated request: brings what this process
   * holds in memory (access facts, users and tokens, the change feed) up to
   * date with what other servers on the same database stored, so a reader
   * on one server sees what another acknowledged. Absent for the file
   * store, which one process owns.
   */
  catchUp?: () => Promise<void>;
  /** The backends' state, reported by GET /health (default: the store's). */
  health?: () => Promise<BackendHealth>;
  /**
   * Whether the database numbers the change feed's changes (default: when
   * `catchUp` is given, servers sharing one). Then the backend's follower
   * feeds the feed every batch stored, this server's own included, by the
   * runtime ({@link AppRuntime}; see store/postgres/pg-follower.ts), so a
   * cursor means the same on every server; the ingest does not.
   */
  feedFromStore?: boolean;
}

/**
 * What GET /health reports of the backends: `ok`, or `degraded` with why
 * (a full disk, a database or bucket that does not answer). Names error
 * codes and backend kinds only, never addresses or credentials.
 */
export interface BackendHealth {
  status: 'ok' | 'degraded';
  [part: string]: unknown;
}

/** What a running app holds that must be stopped with it. */
export interface AppRuntime {
  feed: ChangeFeed;
  search: HistorySearch;
  /** Batches this server's ingest stored (what a follower reads back). */
  stored: Signal<StoredBatch>;
  /** Answers open change polls and stops background indexing. */
  close(): void;
}

/** The runtime of an app made by {@link createApp}. */
export function runtimeOf(app: Express): AppRuntime {
  return app.locals.trail as AppRuntime;
}

/** Builds the app; see the module comment. */
export function createApp(deps: AppDeps): Express {
  const schemas = deps.schemas ?? loadRecordSchemas();
  const history = new HistoryService(deps.store, {
    idPattern: recordIdPattern(schemas)
  });
  const log: ErrorLog = deps.log ?? {
    // (no `undefined` printed after a line that comes without an error)
    error: (message, ...err: unknown[]) => console.error(message, ...err)
  };
  const owner = deps.owner ?? ownerPrincipal();
  const access =
    deps.access ??
    TeamAccess.create({
      store: deps.store,
      ownership: OwnershipStore.memory(),
      directory: deps.directory ?? null,
      owner
    });
  const ingest = new IngestService(
    deps.store,
    new RecordValidator(schemas),
    access,
    (message, err) => log.error(message, err)
  );
  const feed = new ChangeFeed(access, deps.cursorKey);
  const search: HistorySearch =
    deps.search ?? new SearchService(access, deps.cursorKey);
  // In this order: the feed answers waiting polls at once, with the access
  // bookkeeping already done.
  ingest.stored.connect(batch => access.noteStored(batch));
  ingest.stored.connect(batch => {
    for (const record of storedExecutions(batch)) {
      search.add(record);
    }
  });
  if (!(deps.feedFromStore ?? deps.catchUp !== undefined)) {
    ingest.stored.connect(batch => feed.pushStored(batch));
  }
  if (deps.indexHistory ?? true) {
    search
      .build()
      .catch(err => log.error('search: indexing the history failed', err));
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(cors(deps.corsOrigins));
  app.use(API_BASE, publicRoutes(deps.health ?? storeHealth(deps.store)));
  // The API description is public like health and version: it says what
  // the routes are, never what they hold.
  app.use(API_BASE, openApiRoutes(buildOpenApiDocument(schemas)));
  app.locals.trail = {
    feed,
    search,
    stored: ingest.stored,
    close: () => {
      feed.close();
      search.stop();
    }
  } satisfies AppRuntime;
  app.use(
    authenticate({
      ownerToken: deps.token,
      owner,
      directory: access.directory
    })
  );
  app.use(
    express.json({
      limit: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      // Depth and member counts are bounded before the body is parsed.
      verify: (_req, _res, bytes) => checkJsonShape(bytes)
    })
  );
  // Access decisions need what the access layer reads of the store first,
  // and, with several servers, what the others stored since.
  app.use(async (_req, _res, next) => {
    try {
      await access.ready;
      await deps.catchUp?.();
      next();
    } catch (err) {
      next(err);
    }
  });
  // The request bodies described in schema/api (preflight, contract).
  const requestValidator = new RecordValidator(
    schemas,
    deps.apiSchemas ?? loadApiSchemas()
  );
  app.use(
    API_BASE,
    eventRoutes(ingest),
    sessionRoutes(new TeamSessions(history, access)),
    stepRoutes(new TeamSteps(history, access)),
    replayRoutes(new TeamReplays(history, access, requestValidator)),
    forkRoutes(new TeamForks(history, access, requestValidator)),
    exportRoutes(new TeamExports(history, access, requestValidator)),
    executionRoutes(new TeamExecutions(history, access)),
    fingerprintRoutes(new TeamFingerprints(history, access, requestValidator)),
    peopleRoutes(new TeamPeople(access)),
    searchRoutes(search),
    runRoutes(
      new TeamRuns(
        access,
        requestValidator,
        recordIdPattern(schemas),
        deps.cursorKey
      )
    ),
    changeRoutes(feed),
    contentRoutes(history)
  );
  app.use((req, _res, next) => {
    next(
      new AppError(
        404,
        'not_found',
        `There is no route ${req.method} ${req.path}.`
      )
    );
  });
  app.use(errorHandler(log));
  return app;
}
