/**
 * createApp: the Trail HTTP API as an Express app that never listens
 * itself (index.ts does, tests use supertest). Routers are thin; services
 * hold the logic; the store holds the data.
 */
import express, { type Express } from 'express';
import { AppError, errorHandler, type ErrorLog } from './errors';
import { requireBearerToken } from './http/auth';
import { cors } from './http/cors';
import { buildOpenApiDocument } from './openapi';
import { eventRoutes } from './routes/events';
import { historyRoutes } from './routes/history';
import { openApiRoutes, publicRoutes } from './routes/meta';
import {
  loadRecordSchemas,
  recordIdPattern,
  type JsonSchemaDocument
} from './schemas';
import { HistoryService } from './services/history';
import { IngestService } from './services/ingest';
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
}

/** Builds the app; see the module comment. */
export function createApp(deps: AppDeps): Express {
  const schemas = deps.schemas ?? loadRecordSchemas();
  const ingest = new IngestService(deps.store, new RecordValidator(schemas));
  const history = new HistoryService(deps.store, {
    idPattern: recordIdPattern(schemas)
  });
  const log: ErrorLog = deps.log ?? {
    error: (message, err) => console.error(message, err)
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(cors(deps.corsOrigins));
  app.use(API_BASE, publicRoutes());
  app.use(requireBearerToken(deps.token));
  app.use(express.json({ limit: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }));
  app.use(API_BASE, eventRoutes(ingest));
  app.use(API_BASE, historyRoutes(history));
  app.use(API_BASE, openApiRoutes(buildOpenApiDocument(schemas)));
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
