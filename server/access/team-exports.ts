/**
 * A session exported as a pipeline, as a person sees it (issue #15,
 * contract A): steps 1..upto read through the access layer, the code
 * analysis run in the server's Python (`TRAIL_PYTHON`, set by the Python
 * package that starts the server), then the export rules of
 * src/records/export (sliceRun, resultsOf, the params rewrite,
 * pipelineSpecOf, buildPipeline). The server writes nothing: the answer
 * carries the folder's files and the report.
 *
 * A session the caller may not read is a 404 with the body of an unknown
 * one (before the body is even looked at). An ExportError (no successful
 * step, a target nothing produced) is a 422 with its code; the analysis
 * that cannot run is a 503 saying why.
 */
import type { ExportRequest, ExportResult } from '../../src/client/api-schema';
import {
  AnalysisError,
  analysisPython,
  analyzeCells,
  rewriteParams
} from '../../src/cli/analysis';
import { expectedOf } from '../../src/records/export/expected';
import type { CellFacts } from '../../src/records/export/facts';
import {
  defaultExportFolder,
  exportFolderProblem,
  normaliseExportFolder,
  placementOf
} from '../../src/records/export/folder';
import { resultsOf } from '../../src/records/export/params';
import {
  buildPipeline,
  pipelineSpecOf,
  type PipelineEnvironment
} from '../../src/records/export/pipeline';
import {
  ExportError,
  sliceRun,
  type ExportTarget
} from '../../src/records/export/slice';
import type { ExecutionRecord, SessionSummary } from '../../src/records/schema';
import { AppError, type ErrorDetail } from '../errors';
import type { HistoryService } from '../services/history';
import type { RecordValidator } from '../validation';
import type { Principal } from './directory';
import { readableSession } from './readable-session';
import { readableSteps, stepNotFound } from './session-inputs';
import type { TeamAccess } from './team';

/** The schema of the export body (schema/api). */
export const EXPORT_REQUEST_SCHEMA =
  'https://trail.dev/schema/api/export-request.schema.json';

/** How the service runs the analysis (tests point it elsewhere). */
export interface ExportOptions {
  /** The environment `TRAIL_PYTHON` is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds one analysis run may take (default 60 s). */
  analysisTimeoutMs?: number;
  /** Today, for the default folder (default: now). */
  now?: () => Date;
}

/** What the route knows of the request beyond its body. */
export interface ExportRequestContext {
  /** The URL the request came in on (protocol and host). */
  serverUrl?: string;
}

/** See the module comment. */
export class TeamExports {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess,
    private readonly validator: RecordValidator,
    private readonly options: ExportOptions = {}
  ) {}

  /** POST /sessions/:id/export. */
  async export(
    principal: Principal,
    id: string,
    body: unknown,
    context: ExportRequestContext = {}
  ): Promise<ExportResult> {
    // The session first: a body sent for a session one may not read says
    // nothing about it.
    const session = await readableSession(
      this.history,
      this.access,
      principal,
      id
    );
    const targetProblem = targetDetail(body);
    if (targetProblem) {
      throw new AppError(
        400,
        'invalid_request',
        `The export request is invalid: ${targetProblem.path} ${targetProblem.message}.`,
        [targetProblem]
      );
    }
    this.validator.assertBody<ExportRequest>(
      EXPORT_REQUEST_SCHEMA,
      body ?? {},
      'The export request'
    );
    const request = (body ?? {}) as ExportRequest;
    const now = this.options.now?.() ?? new Date();
    const folder = exportFolder(
      request.folder,
      this.access.decorate(session).notebookPath,
      now
    );
    const target: ExportTarget = request.target ?? { kind: 'session' };
    const steps = await readableSteps(this.access, principal, session);
    const upto = request.upto ?? steps.length;
    if (upto > steps.length) {
      throw stepNotFound(id, upto, steps.length);
    }
    const records = await this.records(
      steps.slice(0, upto).map(s => s.executionId)
    );
    try {
      return await this.exported(
        session,
        id,
        upto,
        target,
        folder,
        records,
        now,
        this.serverUrl(context)
      );
    } catch (err) {
      throw asAppError(err);
    }
  }

  /**
   * The server's URL for the README and trail-expected.json: the public URL
   * configured (TRAIL_PUBLIC_URL, for a server behind a proxy), else the one
   * the request came in on. Only its origin and path: never credentials.
   */
  private serverUrl(context: ExportRequestContext): string | undefined {
    const env = this.options.env ?? process.env;
    const given = env.TRAIL_PUBLIC_URL?.trim() || context.serverUrl;
    if (!given) {
      return undefined;
    }
    try {
      const url = new URL(given);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return undefined;
      }
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return undefined;
    }
  }

  private async exported(
    session: SessionSummary,
    id: string,
    upto: number,
    target: ExportTarget,
    folder: string,
    records: ExecutionRecord[],
    now: Date,
    server: string | undefined
  ): Promise<ExportResult> {
    const env = this.options.env ?? process.env;
    const python = analysisPython(env);
    const run = { env, timeoutMs: this.options.analysisTimeoutMs };
    const loggedParams = [
      ...new Set(records.flatMap(r => Object.keys(r.capture?.params ?? {})))
    ];
    // With no successful step there is nothing to analyse: sliceRun says so
    // without the Python.
    const facts = new Map<string, CellFacts>();
    if (records.some(r => r.status === 'ok')) {
      const analysed = await analyzeCells(
        python,
        records.map(r => ({ id: r.id, code: r.code })),
        loggedParams,
        run
      );
      for (const fact of analysed) {
        facts.set(fact.id, fact);
      }
    }
    const slice = sliceRun(records, facts, target);
    const results = resultsOf(slice, records, facts);
    const rewritten = new Map<string, string>();
    for (const [executionId, params] of results.rewrites) {
      const code = facts.get(executionId)?.python;
      if (code !== undefined) {
        rewritten.set(
          executionId,
          await rewriteParams(python, code, params, run)
        );
      }
    }
    const publicId = (x: string) => this.access.publicId(x);
    const shown = this.access.decorate(session);
    const author = shown.author?.displayName || shown.author?.name;
    const lastKept = slice.kept[slice.kept.length - 1];
    const spec = pipelineSpecOf({
      source: {
        sessionId: id,
        notebookPath: shown.notebookPath,
        ...(author ? { author } : {}),
        ...(server ? { server } : {}),
        step: upto,
        target,
        exportedAt: now.toISOString()
      },
      // kept stays internal (the facts are keyed by it); the README lists
      // the dropped steps by public id.
      slice: {
        ...slice,
        dropped: slice.dropped.map(d => ({
          ...d,
          executionId: publicId(d.executionId)
        }))
      },
      results,
      facts,
      rewritten,
      environment: await this.environmentOf(
        session,
        records.find(r => r.id === lastKept.executionId)?.seq
      ),
      placement: placementOf(folder)
    });
    // Steps in the README and the script name public ids.
    spec.steps = spec.steps.map(s => ({
      ...s,
      executionId: publicId(s.executionId)
    }));
    const keptIds = new Set(slice.kept.map(k => k.executionId));
    const expected = expectedOf(
      records.filter(r => keptIds.has(r.id)),
      slice.outputs,
      results
    );
    // The folder carries it (trail-expected.json) for `trail verify <folder>`.
    spec.expected = expected;
    const pipeline = buildPipeline(spec);
    return {
      sessionId: id,
      upto,
      target,
      folder,
      files: pipeline.files,
      kept: slice.kept.map(k => ({
        ...k,
        executionId: publicId(k.executionId)
      })),
      dropped: slice.dropped.map(d => ({
        ...d,
        executionId: publicId(d.executionId)
      })),
      translations: slice.kept.flatMap(k =>
        (facts.get(k.executionId)?.translations ?? []).map(t => ({
          step: k.step,
          ...t
        }))
      ),
      unresolvedImports: pipeline.unresolvedImports,
      params: results.params.map(p => ({
        ...p,
        executionId: publicId(p.executionId)
      })),
      metrics: results.metrics.map(m => ({
        ...m,
        executionId: publicId(m.executionId)
      })),
      inputs: slice.inputs,
      outputs: slice.outputs,
      expected
    };
  }

  /** The stored records of these execution ids, in the order given. */
  private async records(ids: readonly string[]): Promise<ExecutionRecord[]> {
    const found: ExecutionRecord[] = [];
    for (const executionId of ids) {
      const record = await this.access.store.getExecution(executionId);
      if (record) {
        found.push(record);
      }
    }
    return found;
  }

  /** The environment version execution `seq` ran with, if recorded. */
  private async environmentOf(
    session: SessionSummary,
    seq: number | undefined
  ): Promise<PipelineEnvironment | null> {
    if (seq === undefined) {
      return null;
    }
    const version = [...(session.environments ?? [])]
      .reverse()
      .find(v => v.fromSeq <= seq);
    if (!version) {
      return null;
    }
    const snapshot = await this.access.store.getEnvironment(version.id);
    return snapshot ? { id: version.id, snapshot } : null;
  }
}

/** What each kind of target names besides its kind. */
const TARGET_FIELDS: Record<string, string[]> = {
  session: [],
  file: ['path'],
  metric: ['name']
};

/**
 * The first problem of the body's target, told by its kind: the schema's
 * oneOf would report every branch's complaint (a file target without a
 * path "must be session"). The schema still decides what passes.
 */
function targetDetail(body: unknown): ErrorDetail | null {
  const target = (body as { target?: unknown } | null | undefined)?.target;
  if (!target || typeof target !== 'object' || Array.isArray(target)) {
    return null;
  }
  const fields = target as Record<string, unknown>;
  const kind = fields.kind;
  const needs =
    typeof kind === 'string' && Object.hasOwn(TARGET_FIELDS, kind)
      ? TARGET_FIELDS[kind]
      : undefined;
  if (!needs) {
    return {
      path: '/body/target/kind',
      message: 'must be one of session, file, metric'
    };
  }
  for (const key of needs) {
    if (typeof fields[key] !== 'string' || fields[key] === '') {
      return {
        path: `/body/target/${key}`,
        message: `must be a non-empty string (a ${kind} target names its ${key})`
      };
    }
  }
  const extra = Object.keys(fields).find(
    key => key !== 'kind' && !needs.includes(key)
  );
  return extra
    ? {
        path: `/body/target/${extra}`,
        message: `is not a property of a ${kind} target`
      }
    : null;
}

/** The asked folder, checked (a 400 naming /body/folder), or the default. */
function exportFolder(
  asked: string | undefined,
  notebookPath: string,
  now: Date
): string {
  if (asked === undefined) {
    return defaultExportFolder(notebookPath, now);
  }
  const problem = exportFolderProblem(asked);
  if (problem) {
    throw new AppError(
      400,
      'invalid_request',
      `The export request is invalid: /body/folder ${problem}.`,
      [{ path: '/body/folder', message: problem }]
    );
  }
  return normaliseExportFolder(asked);
}

/** ExportError -> 422 with its code; AnalysisError -> 503 saying why. */
function asAppError(err: unknown): unknown {
  if (err instanceof ExportError) {
    return new AppError(422, err.code, err.message);
  }
  if (err instanceof AnalysisError) {
    return new AppError(
      503,
      'analysis_unavailable',
      `The export's code analysis could not run: ${err.message}.`
    );
  }
  return err;
}
