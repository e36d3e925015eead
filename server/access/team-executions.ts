/**
 * Executions as a person sees them: one run, the run of the same cell
 * before it, and one cell's runs across sessions, each filtered to the
 * sessions the caller may read and shown under public ids (see
 * TeamAccess.recordFor).
 */
import type {
  ExecutionRecord,
  ExecutionSummary
} from '../../src/records/schema';
import {
  parseLimit,
  parseRequiredText,
  type HistoryService,
  type ListingQuery,
  type Page
} from '../services/history';
import type { Principal } from './directory';
import { badCursor, decode, encode, notFound } from './listing-cursor';
import type { TeamAccess } from './team';

/** A cell's runs read from the store at a time while listing. */
const SCAN_PAGE = 200;

/** The executions of the team, as the caller may read them. */
export class TeamExecutions {
  constructor(
    private readonly history: HistoryService,
    private readonly access: TeamAccess
  ) {}

  async getExecution(
    principal: Principal,
    id: string
  ): Promise<ExecutionRecord> {
    return this.access.publicExecution(
      await this.storedExecution(principal, id)
    );
  }

  /** The stored execution `principal` reads under public id `id` (or a 404). */
  private async storedExecution(
    principal: Principal,
    id: string
  ): Promise<ExecutionRecord> {
    const stored = this.access.recordFor(principal, 'execution', id);
    const record =
      stored === id
        ? await this.history.getExecution(id)
        : await this.access.store.getExecution(stored);
    if (!record || !this.access.canReadExecution(principal, record)) {
      throw notFound('execution', id);
    }
    return record;
  }

  /** The latest earlier run of the same cell that the caller may read. */
  async previousExecution(
    principal: Principal,
    id: string
  ): Promise<{ execution: ExecutionSummary | null }> {
    const record = await this.storedExecution(principal, id);
    const previous = (await this.access.store.previousExecution(record.id)) ?? {
      execution: null
    };
    if (
      !previous.execution ||
      this.access.canReadExecution(principal, previous.execution)
    ) {
      return this.publicPrevious(previous.execution);
    }
    if (record.cellId === null) {
      return { execution: null };
    }
    // The store's answer is someone's private run: look further back.
    let cursor: string | undefined;
    for (;;) {
      const page = await this.history.listCellExecutions({
        notebook: record.notebookPath,
        cellId: record.cellId,
        limit: '200',
        cursor
      });
      for (const x of page.items) {
        const earlier =
          x.startedAt < record.startedAt ||
          (x.startedAt === record.startedAt && x.id < record.id);
        if (
          earlier &&
          x.id !== record.id &&
          this.access.canReadExecution(principal, x)
        ) {
          return this.publicPrevious(x);
        }
      }
      if (!page.nextCursor) {
        return { execution: null };
      }
      cursor = page.nextCursor;
    }
  }

  private publicPrevious(execution: ExecutionSummary | null): {
    execution: ExecutionSummary | null;
  } {
    return {
      execution: execution && this.access.publicExecution(execution)
    };
  }

  /**
   * Every run of one cell across the sessions the caller may read, newest
   * first: filtered before paging (the store leaves out the sessions the
   * caller may not read; here, the runs they do not see under a public id
   * that several hold), so a page is short only at the end and its cursor
   * names the last run it shows. A cursor naming a run the caller may not
   * read is refused as one naming no run at all.
   */
  async listCellExecutions(
    principal: Principal,
    query: ListingQuery
  ): Promise<Page<ExecutionSummary>> {
    const notebook = parseRequiredText('notebook', query.notebook);
    const cellId = parseRequiredText('cellId', query.cellId);
    const limit = parseLimit(query.limit);
    const cursor = decode('tc', query.cursor, ['string']);
    let after: string | undefined;
    if (cursor) {
      // The cursor names the run by its public id.
      after = this.access.recordFor(
        principal,
        'execution',
        cursor[1] as string
      );
      const named = await this.access.store.getExecution(after);
      if (!named || !this.access.canReadExecution(principal, named)) {
        throw badCursor();
      }
    }
    const excludeSessionIds = this.access.unreadableBy(principal);
    const items: ExecutionSummary[] = [];
    for (;;) {
      const page = await this.access.store.listCellExecutions({
        notebook,
        cellId,
        excludeSessionIds,
        // One run more than the page: whether a next page exists.
        limit: Math.min(SCAN_PAGE, limit + 1 - items.length),
        after
      });
      if (!page) {
        throw badCursor(); // a run the caller may read, of another cell
      }
      for (const x of page.items) {
        if (!this.access.canReadExecution(principal, x)) {
          continue;
        }
        if (items.length === limit) {
          return {
            items,
            nextCursor: encode(['tc', items[items.length - 1].id])
          };
        }
        items.push(this.access.publicExecution(x));
      }
      if (page.next === null) {
        return { items, nextCursor: null };
      }
      after = page.next;
    }
  }
}
