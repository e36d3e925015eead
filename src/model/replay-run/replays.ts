/**
 * The replays and forks of one session (issues #13 and #14 item 5): the
 * readable sessions whose lineage names it, newest first, for the session
 * view to list.
 */
import { LoadableModel } from '../loadable';
import type { Page, SessionSummary } from '../types';

/** What the model needs of the server (the Trail client satisfies it). */
export interface IReplayLister {
  listReplays(
    sessionId: string,
    query?: { limit?: number; cursor?: string }
  ): Promise<Page<SessionSummary>>;
}

/** A replay session's lineage, as the listing shows it. */
export interface IReplayLineage {
  kind: 'replay' | 'fork' | 'export';
  sessionId: string;
  step: number;
  executionId?: string;
  /** A fork's inputs: each recorded path and the file read in its place. */
  substitutions?: { recorded: string; path: string; sha256?: string }[];
}

/** The lineage a session summary carries, if any. */
export function lineageOf(session: SessionSummary): IReplayLineage | null {
  const lineage = (session as { lineage?: Partial<IReplayLineage> }).lineage;
  return lineage &&
    typeof lineage.sessionId === 'string' &&
    typeof lineage.step === 'number'
    ? (lineage as IReplayLineage)
    : null;
}

/** How many replays the section lists before "more". */
const PAGE_SIZE = 20;

/**
 * The sessions replaying (or forking) one session.
 */
export class SessionReplaysModel extends LoadableModel {
  constructor(options: SessionReplaysModel.IOptions) {
    super();
    this.sessionId = options.sessionId;
    const lister = options.lister;
    this._lister = lister?.listReplays
      ? { listReplays: (id, query) => lister.listReplays!(id, query) }
      : null;
  }

  /** The source session. */
  readonly sessionId: string;

  /** The replays read so far, newest first. */
  get items(): readonly SessionSummary[] {
    return this._items;
  }

  /** Whether the first page was read. */
  get loaded(): boolean {
    return this._loaded;
  }

  /** Whether more replays remain to be read. */
  get hasMore(): boolean {
    return this._next !== null;
  }

  /** Read the first page again. */
  refresh(): Promise<void> {
    const lister = this._lister;
    if (!lister) {
      this._loaded = true;
      this.emitChanged();
      return Promise.resolve();
    }
    return this.enqueue(async isCurrent => {
      const page = await lister.listReplays(this.sessionId, {
        limit: PAGE_SIZE
      });
      if (isCurrent()) {
        this._items = page.items;
        this._next = page.nextCursor;
        this._loaded = true;
      }
    });
  }

  /** Read the next page. */
  loadMore(): Promise<void> {
    const cursor = this._next;
    const lister = this._lister;
    if (cursor === null || !lister) {
      return Promise.resolve();
    }
    return this.enqueue(async isCurrent => {
      const page = await lister.listReplays(this.sessionId, {
        limit: PAGE_SIZE,
        cursor
      });
      if (isCurrent()) {
        const seen = new Set(this._items.map(item => item.id));
        this._items = [
          ...this._items,
          ...page.items.filter(item => !seen.has(item.id))
        ];
        this._next = page.nextCursor;
      }
    });
  }

  private _items: SessionSummary[] = [];
  private _lister: IReplayLister | null;
  private _loaded = false;
  private _next: string | null = null;
}

/** The namespace for `SessionReplaysModel` statics. */
export namespace SessionReplaysModel {
  export interface IOptions {
    sessionId: string;
    /** Where replays are listed from; none are without `listReplays`. */
    lister: Partial<IReplayLister> | null;
  }
}
