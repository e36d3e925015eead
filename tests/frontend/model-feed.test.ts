/**
 * The panel model runs the change feed (a long poll of GET /changes) only
 * while the panel shows: hidden, no request stays open; shown again, one
 * refresh of what is shown, and the feed follows on from there.
 */
import { ChangeFeed } from '../../src/client';
import type {
  ChangesQuery,
  HistoryChange,
  HistoryChanges,
  RequestOptions
} from '../../src/client';
import { TrailBrowserModel } from '../../src/model';
import { FakeReader } from './model-fake-reader';
import { waitFor } from './ui-wait';

/** A change source that answers like the server. */
class FakeServer {
  /** Every request: its query, and whether it was aborted. */
  readonly requests: { query: ChangesQuery; signal?: AbortSignal }[] = [];
  /** Changes stored, in order; the cursor is their count. */
  readonly stored: HistoryChange[] = [];

  get open(): number {
    return this.requests.filter(
      request => !request.signal?.aborted && !this._answered.has(request)
    ).length;
  }

  store(change: HistoryChange): void {
    this.stored.push(change);
    for (const wake of this._waiting.splice(0)) {
      wake();
    }
  }

  /**
   * Holds the next request without a cursor (the feed asking where "now"
   * is) until `release()`; it is answered as of that moment.
   */
  holdPlacing(): { release: () => void } {
    let release = () => {};
    this._placing = new Promise<void>(resolve => (release = resolve));
    return { release: () => release() };
  }

  async getChanges(
    query: ChangesQuery,
    options: RequestOptions = {}
  ): Promise<HistoryChanges> {
    const request = { query, signal: options.signal };
    this.requests.push(request);
    if (query.after === undefined && this._placing) {
      const held = this._placing;
      this._placing = null;
      await held;
    }
    const after = query.after === undefined ? null : Number(query.after);
    if (after !== null && after >= this.stored.length && query.wait) {
      // Hold the request until something is stored, or it is aborted.
      await new Promise<void>((resolve, reject) => {
        this._waiting.push(resolve);
        options.signal?.addEventListener('abort', () =>
          reject(new Error('aborted'))
        );
      });
    }
    this._answered.add(request);
    return {
      cursor: String(this.stored.length),
      changes: after === null ? [] : this.stored.slice(after)
    } as HistoryChanges;
  }

  private _answered = new Set<object>();
  private _placing: Promise<void> | null = null;
  private _waiting: (() => void)[] = [];
}

function change(executionId: string): HistoryChange {
  return {
    kind: 'execution',
    sessionId: 's1',
    executionId,
    notebookPath: 'a.ipynb'
  } as HistoryChange;
}

const tick = (ms = 0) => new Promise(resolve => setTimeout(resolve, ms));

describe('TrailBrowserModel and the change feed', () => {
  let reader: FakeReader;
  let server: FakeServer;
  let feed: ChangeFeed;
  let model: TrailBrowserModel;
  const listings = () =>
    reader.calls.filter(call => call.method === 'listSessions').length;

  beforeEach(async () => {
    reader = new FakeReader();
    reader.addSession({ id: 's1' });
    server = new FakeServer();
    feed = new ChangeFeed({ source: server, waitMs: 5000 });
    model = new TrailBrowserModel({ reader, refreshDelayMs: 10 });
    model.feed = feed;
    await waitFor(() => model.sessions?.loaded === true);
    // The first request learns where "now" is; the second waits.
    await waitFor(() => server.requests.length === 2 && server.open === 1);
  });

  afterEach(() => {
    model.dispose();
    feed.dispose();
  });

  it('refreshes on each change stored while the panel shows', async () => {
    const before = listings();
    server.store(change('e1'));
    await waitFor(() => listings() === before + 1);
    expect(feed.running).toBe(true);
  });

  it('keeps no request open while the panel is hidden', async () => {
    model.active = false;
    expect(feed.running).toBe(false);
    expect(server.open).toBe(0);
    expect(server.requests[1].signal?.aborted).toBe(true);

    const requests = server.requests.length;
    const calls = reader.calls.length;
    server.store(change('e1'));
    model.refresh();
    await tick(100);
    expect(server.requests.length).toBe(requests);
    expect(reader.calls.length).toBe(calls);
  });

  it('resumes when shown, with one refresh of what is shown', async () => {
    model.active = false;
    server.store(change('e1'));
    server.store(change('e2'));
    const before = listings();

    model.active = true;
    expect(feed.running).toBe(true);
    await waitFor(() => listings() === before + 1 && server.open === 1);
    // What was stored while hidden came with the refresh, not again from
    // the feed: no second refresh.
    await tick(100);
    expect(listings()).toBe(before + 1);
    const resumed = server.requests.slice(2).map(request => request.query);
    expect(resumed).toEqual([{}, { after: '2', wait: 5000 }]);

    // And the feed follows on.
    server.store(change('e3'));
    await waitFor(() => listings() === before + 2);
  });

  it('reloads once the feed knows where "now" is, so no change falls between', async () => {
    model.active = false;
    const placing = server.holdPlacing();
    const before = listings();
    model.active = true;
    await waitFor(() => server.requests.length === 3);
    await tick(50);
    // The reload waits for the feed's first answer.
    expect(listings()).toBe(before);

    // Stored while that answer is on its way: the answer's cursor is past
    // it, so only a reload made after the answer can show it.
    reader.addSession({ id: 's2' });
    server.store(change('e9'));
    placing.release();
    await waitFor(
      () => model.sessions?.items.some(session => session.id === 's2') === true
    );
    expect(listings()).toBe(before + 1);
  });

  it('does not hold the reload for long when the feed gets no answer', async () => {
    model.active = false;
    server.holdPlacing();
    const before = listings();
    model.active = true;
    // The first answer never comes; the reload goes ahead after 3 s.
    await waitFor(() => listings() === before + 1, 5000);
  });

  it('reloads a timeline only for changes of its session', async () => {
    reader.addSession({ id: 's2' });
    await model.openSession('s1');
    const timelineReads = () =>
      reader.calls.filter(call => call.method === 'listExecutions').length;
    const before = { listings: listings(), timeline: timelineReads() };

    server.store({ ...change('e1'), sessionId: 's2' });
    await waitFor(() => listings() === before.listings + 1);
    await tick(50);
    expect(timelineReads()).toBe(before.timeline);

    server.store(change('e2'));
    await waitFor(() => timelineReads() === before.timeline + 1);
    expect(listings()).toBe(before.listings + 2);

    // Any other refresh (e.g. the user's own events delivered) is whole.
    model.refresh();
    await waitFor(() => timelineReads() === before.timeline + 2);
  });

  it("drops and shows again a teammate's session whose visibility changed", async () => {
    const alice = { id: 'user:alice', name: 'alice', displayName: 'Alice' };
    reader.me = {
      id: 'user:bob',
      name: 'bob',
      displayName: 'Bob',
      role: 'member'
    };
    const shared = reader.addSession({
      id: 's3',
      author: alice,
      notebookPath: 'alice/eda.ipynb'
    });
    reader.addSession({
      id: 's4',
      author: alice,
      notebookPath: 'alice/eda.ipynb',
      startedAt: '2026-11-19T10:00:00.000Z'
    });
    await model.openNotebook(alice, 'alice/eda.ipynb');
    const shown = () =>
      model.notebookSessions?.items.map(session => session.id) ?? [];
    await waitFor(() => shown().length === 2);
    const visibility = {
      kind: 'visibility',
      sessionId: 's3',
      notebookPath: 'alice/eda.ipynb',
      author: alice
    } as HistoryChange;

    shared.visibility = 'private';
    server.store(visibility);
    await waitFor(() => shown().join() === 's4');

    shared.visibility = 'team';
    server.store(visibility);
    await waitFor(() => shown().join() === 's3,s4');
  });

  it('stops the feed it was given when disposed or given another', async () => {
    model.feed = null;
    expect(feed.running).toBe(false);
    expect(server.open).toBe(0);
    model.feed = feed;
    await waitFor(() => server.open === 1);
    model.dispose();
    expect(feed.running).toBe(false);
    expect(server.open).toBe(0);
  });
});
