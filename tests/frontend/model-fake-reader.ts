/**
 * An in-memory ITrailReader for model and UI tests: the seam between the
 * panel and the HTTP client. It pages like the server (newest sessions
 * first, executions in seq order, opaque cursors) and logs every call.
 */
import type {
  EnvironmentSnapshot,
  ExecutionRecord,
  Output
} from '../../src/records/schema';
import { summarizeExecution } from '../../src/records/summary';
import type {
  ExecutionSummary,
  ISearchQuery,
  ITrailReader,
  NotebookSummary,
  Page,
  SearchHit,
  SessionSummary,
  TeamMember,
  Visibility
} from '../../src/model';

export interface ICall {
  method:
    | 'listSessions'
    | 'listExecutions'
    | 'getExecution'
    | 'resolveOutputs'
    | 'getSession'
    | 'getPreviousExecution'
    | 'getEnvironment'
    | 'getMe'
    | 'listUsers'
    | 'listNotebooks'
    | 'listCellExecutions'
    | 'setSessionVisibility'
    | 'setNotebookVisibility'
    | 'search';
  args: unknown[];
}

/**
 * An error shaped like the client's TrailNetworkError.
 */
export class FakeNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrailNetworkError';
  }
}

export class FakeReader implements ITrailReader {
  /** Every call, in order. */
  readonly calls: ICall[] = [];
  /** When set, every call rejects with it. */
  failure: Error | null = null;
  /** Blob contents by sha256, for resolveOutputs. */
  readonly blobs = new Map<string, string>();
  /** Environment snapshots by id. */
  readonly environments = new Map<string, EnvironmentSnapshot>();
  /** When set, getPreviousExecution rejects with it. */
  previousFailure: Error | null = null;
  /** Who the token belongs to; null: a server without GET /me (404). */
  me: TeamMember | null = null;
  /** The people GET /users lists. */
  users: TeamMember[] = [];

  addSession(
    partial: Partial<SessionSummary> & { id: string }
  ): SessionSummary {
    const session: SessionSummary = {
      notebookPath: 'work/analysis.ipynb',
      startedAt: '2026-11-20T10:00:00.000Z',
      kernel: { name: 'python3', displayName: 'Python 3 (ipykernel)' },
      executionCount: 0,
      lastExecutionAt: null,
      ...partial
    };
    this._sessions.push(session);
    this._executions.set(session.id, this._executions.get(session.id) ?? []);
    return session;
  }

  addExecution(
    partial: Partial<ExecutionRecord> & { id: string; sessionId: string }
  ): ExecutionRecord {
    const list = this._executions.get(partial.sessionId) ?? [];
    const seq = partial.seq ?? list.length + 1;
    const record: ExecutionRecord = {
      notebookPath: 'work/analysis.ipynb',
      cellId: `cell-${seq}`,
      code: `x = ${seq}`,
      executionCount: seq,
      status: 'ok',
      startedAt: '2026-11-20T10:00:01.000Z',
      endedAt: '2026-11-20T10:00:01.250Z',
      durationMs: 250,
      timing: 'kernel',
      outputs: [],
      seq,
      ...partial
    };
    list.push(record);
    this._executions.set(partial.sessionId, list);
    const session = this._sessions.find(s => s.id === partial.sessionId);
    if (session) {
      session.executionCount = list.length;
    }
    return record;
  }

  /** The stored records of a session in seq order (change them to update). */
  executionsOf(sessionId: string): ExecutionRecord[] {
    return [...(this._executions.get(sessionId) ?? [])].sort(
      (a, b) => a.seq - b.seq
    );
  }

  async listSessions(
    query: {
      notebook?: string;
      author?: string;
      limit?: number;
      cursor?: string;
    } = {}
  ): Promise<Page<SessionSummary>> {
    this._log('listSessions', [query]);
    const all = [...this._sessions]
      .filter(s => this._readable(s))
      .filter(s => !query.notebook || s.notebookPath === query.notebook)
      .filter(s => !query.author || s.author?.id === query.author)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return page(
      all.map(s => ({ ...s })),
      query
    );
  }

  async listExecutions(
    sessionId: string,
    query: { limit?: number; cursor?: string } = {}
  ): Promise<Page<ExecutionSummary>> {
    this._log('listExecutions', [sessionId, query]);
    const all = [...(this._executions.get(sessionId) ?? [])].sort(
      (a, b) => a.seq - b.seq
    );
    return page(all.map(summarizeExecution), query);
  }

  async getExecution(id: string): Promise<ExecutionRecord> {
    this._log('getExecution', [id]);
    for (const list of this._executions.values()) {
      const found = list.find(record => record.id === id);
      if (found) {
        return JSON.parse(JSON.stringify(found));
      }
    }
    throw Object.assign(new Error(`No execution ${id}`), {
      name: 'TrailResponseError',
      status: 404
    });
  }

  async getSession(id: string): Promise<SessionSummary> {
    this._log('getSession', [id]);
    const session = this._sessions.find(s => s.id === id);
    if (!session) {
      throw Object.assign(new Error(`No session ${id}`), {
        name: 'TrailResponseError',
        status: 404
      });
    }
    return JSON.parse(JSON.stringify(session));
  }

  /** Like the server: the latest earlier run of the same notebook cell. */
  async getPreviousExecution(id: string): Promise<ExecutionSummary | null> {
    this._log('getPreviousExecution', [id]);
    if (this.previousFailure) {
      throw this.previousFailure;
    }
    const all = [...this._executions.values()].flat();
    const current = all.find(record => record.id === id);
    if (!current || current.cellId === null) {
      return null;
    }
    const earlier = all
      .filter(
        r =>
          r.id !== id &&
          r.cellId === current.cellId &&
          r.notebookPath === current.notebookPath &&
          r.startedAt <= current.startedAt
      )
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    if (earlier.length === 0) {
      return null;
    }
    return summarizeExecution(earlier[0]);
  }

  async getEnvironment(id: string): Promise<EnvironmentSnapshot> {
    this._log('getEnvironment', [id]);
    const found = this.environments.get(id);
    if (!found) {
      throw Object.assign(new Error(`No environment ${id}`), {
        name: 'TrailResponseError',
        status: 404
      });
    }
    return JSON.parse(JSON.stringify(found));
  }

  async resolveOutputs(outputs: Output[]): Promise<Output[]> {
    this._log('resolveOutputs', [outputs]);
    return outputs.map(output => {
      if (!('data' in output) || !output.data) {
        return output;
      }
      const data: Record<string, unknown> = {};
      for (const [mime, value] of Object.entries(output.data)) {
        const ref = value as { $blob?: string; encoding?: string };
        if (ref && typeof ref === 'object' && typeof ref.$blob === 'string') {
          const text = this.blobs.get(ref.$blob) ?? '';
          data[mime] = ref.encoding === 'json' ? JSON.parse(text) : text;
        } else {
          data[mime] = value;
        }
      }
      return { ...output, data } as Output;
    });
  }

  async getMe(): Promise<TeamMember> {
    this._log('getMe', []);
    if (!this.me) {
      throw Object.assign(new Error('No route GET /me'), {
        name: 'TrailResponseError',
        status: 404
      });
    }
    return { ...this.me };
  }

  async listUsers(): Promise<TeamMember[]> {
    this._log('listUsers', []);
    return this.users.map(user => {
      const sessions = this._sessions.filter(
        s => s.author?.id === user.id && this._readable(s)
      );
      const last = sessions
        .map(s => s.lastExecutionAt ?? '')
        .sort()
        .pop();
      return {
        ...user,
        sessionCount: sessions.length,
        lastActiveAt: last || null
      };
    });
  }

  async listNotebooks(
    query: { author?: string; limit?: number; cursor?: string } = {}
  ): Promise<Page<NotebookSummary>> {
    this._log('listNotebooks', [query]);
    const byPath = new Map<string, NotebookSummary>();
    for (const session of this._sessions) {
      if (
        !session.author ||
        !this._readable(session) ||
        (query.author && session.author.id !== query.author)
      ) {
        continue;
      }
      const key = `${session.author.id}\n${session.notebookPath}`;
      const known = byPath.get(key) ?? {
        notebookPath: session.notebookPath,
        author: session.author,
        sessionCount: 0,
        executionCount: 0,
        lastExecutionAt: null
      };
      known.sessionCount++;
      known.executionCount += session.executionCount;
      const last = session.lastExecutionAt ?? session.startedAt;
      if (!known.lastExecutionAt || last > known.lastExecutionAt) {
        known.lastExecutionAt = last;
      }
      byPath.set(key, known);
    }
    const all = [...byPath.values()].sort((a, b) =>
      (b.lastExecutionAt ?? '').localeCompare(a.lastExecutionAt ?? '')
    );
    return page(all, query);
  }

  async listCellExecutions(query: {
    notebook: string;
    cellId: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<ExecutionSummary>> {
    this._log('listCellExecutions', [query]);
    const all = [...this._executions.entries()]
      .filter(([sessionId]) => {
        const session = this._sessions.find(s => s.id === sessionId);
        return !session || this._readable(session);
      })
      .flatMap(([, list]) => list)
      .filter(
        r => r.notebookPath === query.notebook && r.cellId === query.cellId
      )
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    return page(all.map(summarizeExecution), query);
  }

  async setSessionVisibility(
    id: string,
    visibility: Visibility
  ): Promise<SessionSummary> {
    this._log('setSessionVisibility', [id, visibility]);
    const session = this._sessions.find(s => s.id === id);
    if (!session || (this.me && session.author?.id !== this.me.id)) {
      throw Object.assign(new Error(`Not your session ${id}`), {
        name: 'TrailResponseError',
        status: 403
      });
    }
    session.visibility = visibility;
    return JSON.parse(JSON.stringify(session));
  }

  async setNotebookVisibility(
    notebookPath: string,
    visibility: Visibility
  ): Promise<{
    notebookPath: string;
    visibility: Visibility;
    sessions: number;
  }> {
    this._log('setNotebookVisibility', [notebookPath, visibility]);
    let changed = 0;
    for (const session of this._sessions) {
      if (
        session.notebookPath === notebookPath &&
        (!this.me || session.author?.id === this.me.id) &&
        (session.visibility ?? 'team') !== visibility
      ) {
        session.visibility = visibility;
        changed++;
      }
    }
    return { notebookPath, visibility, sessions: changed };
  }

  async search(
    query: ISearchQuery & { limit?: number; cursor?: string }
  ): Promise<Page<SearchHit> & { truncated: boolean }> {
    this._log('search', [query]);
    const needle = query.q.toLowerCase();
    const hits: SearchHit[] = [];
    for (const [sessionId, list] of this._executions) {
      const session = this._sessions.find(s => s.id === sessionId);
      if (
        !session ||
        !this._readable(session) ||
        (query.author && session.author?.id !== query.author) ||
        (query.notebook && session.notebookPath !== query.notebook)
      ) {
        continue;
      }
      for (const record of list) {
        const at = record.code.toLowerCase().indexOf(needle);
        if (at >= 0) {
          hits.push({
            execution: summarizeExecution(record),
            author: session.author ?? {
              id: 'owner',
              name: 'owner',
              displayName: 'Owner'
            },
            snippet: {
              field: 'code',
              text: record.code,
              matches: [[at, at + needle.length]]
            }
          });
        }
      }
    }
    return { ...page(hits, query), truncated: false };
  }

  /** Calls of one method. */
  callsOf(method: ICall['method']): ICall[] {
    return this.calls.filter(call => call.method === method);
  }

  /** Whether the caller (`me`) may read a session, as the server decides. */
  private _readable(session: SessionSummary): boolean {
    return (
      session.visibility !== 'private' ||
      !this.me ||
      session.author?.id === this.me.id
    );
  }

  private _log(method: ICall['method'], args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failure) {
      throw this.failure;
    }
  }

  private _executions = new Map<string, ExecutionRecord[]>();
  private _sessions: SessionSummary[] = [];
}

/**
 * Cut one page; the cursor is an opaque token holding the next offset.
 */
function page<T>(
  all: T[],
  query: { limit?: number; cursor?: string }
): Page<T> {
  const limit = query.limit ?? 50;
  const offset = query.cursor ? Number(atob(query.cursor)) : 0;
  const items = all.slice(offset, offset + limit);
  const next = offset + limit;
  return {
    items,
    nextCursor: next < all.length ? btoa(String(next)) : null
  };
}
