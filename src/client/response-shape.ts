/**
 * Light shape checks of server answers. They are not schema validation: they
 * catch a wrong server (or a proxy page) early, with a message that says what
 * was expected, instead of a TypeError deep inside the panel.
 */
import type {
  EnvironmentSnapshot,
  ExecutionRecord,
  IngestResult
} from '../records/schema';
import { isObject } from './errors';
import type {
  BlobRef,
  ExecutionSummary,
  HealthStatus,
  HistoryChanges,
  NotebookSummary,
  NotebookVisibilityResult,
  Page,
  Person,
  SearchHit,
  SearchPage,
  SessionSummary,
  TeamMember,
  VersionInfo
} from './types';

/**
 * Checks a value; returns what it should have been, or null when it fits.
 * `T` is the type the value has when it fits.
 */
export interface ShapeCheck<T> {
  (value: unknown): string | null;
  /** Never set: carries `T` for type inference only. */
  readonly __type?: T;
}

const isString = (value: unknown): value is string => typeof value === 'string';

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(isString);

/** Matches an IngestResult. */
export const ingestResultShape: ShapeCheck<IngestResult> = value => {
  if (!isObject(value)) {
    return 'an object';
  }
  if (!isStringArray(value.accepted) || !isStringArray(value.duplicates)) {
    return '"accepted" and "duplicates" lists of event ids';
  }
  return null;
};

/** Matches a SessionSummary (only the fields the client relies on). */
export const sessionSummaryShape: ShapeCheck<SessionSummary> = value =>
  isObject(value) &&
  isString(value.id) &&
  isString(value.notebookPath) &&
  isString(value.startedAt)
    ? null
    : 'a session with "id", "notebookPath" and "startedAt"';

/** Matches an ExecutionSummary (only the fields the client relies on). */
export const executionSummaryShape: ShapeCheck<ExecutionSummary> = value =>
  isObject(value) &&
  isString(value.id) &&
  isString(value.sessionId) &&
  typeof value.seq === 'number'
    ? null
    : 'an execution with "id", "sessionId" and "seq"';

/** Matches an ExecutionRecord: an execution with an outputs list. */
export const executionRecordShape: ShapeCheck<ExecutionRecord> = value =>
  executionSummaryShape(value) ??
  (Array.isArray((value as ExecutionRecord).outputs)
    ? null
    : 'an execution with an "outputs" list');

/** Matches the answer of GET /executions/:id/previous. */
export const previousExecutionShape: ShapeCheck<{
  execution: ExecutionSummary | null;
}> = value => {
  if (!isObject(value) || !('execution' in value)) {
    return '{"execution": execution | null}';
  }
  return value.execution === null
    ? null
    : executionSummaryShape(value.execution);
};

/** Matches an EnvironmentSnapshot (only the fields the client relies on). */
export const environmentShape: ShapeCheck<EnvironmentSnapshot> = value =>
  isObject(value) &&
  isObject(value.language) &&
  isObject(value.platform) &&
  Array.isArray(value.packages)
    ? null
    : 'an environment with "language", "platform" and "packages"';

/** Matches one Page of items that each match `item`. */
export function pageShape<T>(item: ShapeCheck<T>): ShapeCheck<Page<T>> {
  return value => {
    if (
      !isObject(value) ||
      !Array.isArray(value.items) ||
      !(value.nextCursor === null || isString(value.nextCursor))
    ) {
      return 'a page {"items": [...], "nextCursor": string | null}';
    }
    for (let i = 0; i < value.items.length; i++) {
      const problem = item(value.items[i]);
      if (problem) {
        return `${problem} at items[${i}]`;
      }
    }
    return null;
  };
}

/** Matches the /health answer. */
export const healthShape: ShapeCheck<HealthStatus> = value =>
  isObject(value) && isString(value.status) ? null : '{"status": "ok"}';

/** Matches the /version answer. */
export const versionShape: ShapeCheck<VersionInfo> = value =>
  isObject(value) &&
  isString(value.name) &&
  isString(value.version) &&
  typeof value.apiVersion === 'number'
    ? null
    : '{"name", "version", "apiVersion"}';

/**
 * Whether a mime bundle value is a BlobRef that stands for the real value.
 */
export function isBlobRef(value: unknown): value is BlobRef {
  return (
    isObject(value) &&
    isString(value.$blob) &&
    /^[0-9a-f]{64}$/.test(value.$blob) &&
    typeof value.size === 'number' &&
    (value.encoding === 'text' || value.encoding === 'json')
  );
}

const isPerson = (value: unknown): value is Person =>
  isObject(value) &&
  isString(value.id) &&
  isString(value.name) &&
  isString(value.displayName);

/** Matches a TeamMember (GET /me, GET /users). */
export const teamMemberShape: ShapeCheck<TeamMember> = value =>
  isObject(value) && isString(value.role) && isPerson(value)
    ? null
    : 'a person with "id", "name", "displayName" and "role"';

/** Matches the answer of GET /users. */
export const usersShape: ShapeCheck<{ items: TeamMember[] }> = value => {
  if (!isObject(value) || !Array.isArray(value.items)) {
    return '{"items": [...]}';
  }
  for (let i = 0; i < value.items.length; i++) {
    const problem = teamMemberShape(value.items[i]);
    if (problem) {
      return `${problem} at items[${i}]`;
    }
  }
  return null;
};

/** Matches a NotebookSummary. */
export const notebookSummaryShape: ShapeCheck<NotebookSummary> = value =>
  isObject(value) &&
  isString(value.notebookPath) &&
  isPerson(value.author) &&
  typeof value.sessionCount === 'number'
    ? null
    : 'a notebook with "notebookPath", "author" and "sessionCount"';

/** Matches a SearchHit. */
export const searchHitShape: ShapeCheck<SearchHit> = value => {
  if (!isObject(value) || !isPerson(value.author)) {
    return 'a search hit with "execution", "author" and "snippet"';
  }
  const snippet = value.snippet;
  if (
    !isObject(snippet) ||
    !isString(snippet.text) ||
    !Array.isArray(snippet.matches) ||
    !snippet.matches.every(
      (m: unknown) =>
        Array.isArray(m) &&
        m.length === 2 &&
        m.every(n => typeof n === 'number')
    )
  ) {
    return 'a search hit whose snippet has "text" and "matches" [[start, end], ...]';
  }
  return executionSummaryShape(value.execution);
};

/** Matches a page of search hits. */
export const searchPageShape: ShapeCheck<SearchPage> = value =>
  pageShape(searchHitShape)(value) ??
  (typeof (value as SearchPage).truncated === 'boolean'
    ? null
    : 'a page with "truncated"');

/** Matches the answer of GET /changes. */
export const changesShape: ShapeCheck<HistoryChanges> = value => {
  if (
    !isObject(value) ||
    !isString(value.cursor) ||
    !Array.isArray(value.changes)
  ) {
    return '{"cursor": string, "changes": [...]}';
  }
  const bad = value.changes.findIndex(
    (c: unknown) => !isObject(c) || !isString(c.kind) || !isString(c.sessionId)
  );
  return bad < 0
    ? null
    : `a change with "kind" and "sessionId" at changes[${bad}]`;
};

/** Matches the answer of PUT /notebooks/visibility. */
export const notebookVisibilityShape: ShapeCheck<
  NotebookVisibilityResult
> = value =>
  isObject(value) &&
  isString(value.notebookPath) &&
  isString(value.visibility) &&
  typeof value.sessions === 'number'
    ? null
    : '{"notebookPath", "visibility", "sessions"}';
