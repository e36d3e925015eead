/**
 * What another server stored, followed by this one: several Trail servers
 * on one database each keep a change feed and access bookkeeping in
 * memory, and those must hear of every batch, whichever server took it.
 *
 * Every stored event is a row of `trail_events`, numbered `n` in the
 * order its transaction committed (appends hold an advisory lock, see
 * 001-core), so reading `n > last` never misses one. The follower reads
 * them on each NOTIFY of `trail_events`, before every authenticated
 * request (the app's catch-up), after this process's own ingests, and
 * every two seconds while change polls wait (in case a NOTIFY was lost), and
 * hands them to the followers a local ingest feeds: the access
 * bookkeeping (`noteStored`) and the change feed, which places each
 * change by its `n`, so a feed position means the same on every server.
 * This process's own batches come round the same way: the feed then holds
 * every change in one order (following them twice is harmless for the
 * access bookkeeping, which only notes where aliased executions live).
 *
 * Each catch-up reads the access facts too (PgOwnership's), after the
 * events and before it hands them on: a session is claimed before its
 * events are stored, so its owner and visibility are known to every check
 * the feed makes of them, and a request that awaited the catch-up sees
 * every fact and event committed before it arrived. A NOTIFY of `trail_access` (a claim, a visibility or
 * rule change elsewhere) has the facts read, which wakes the feed's polls
 * with the visibility changes, numbered by their fact's `seq`.
 */
import type pg from 'pg';
import type { TrailEvent } from '../../../src/records/schema';
import { changesOf, type ChangeFeed } from '../../access/change-feed';
import type { TeamAccess } from '../../access/team';
import type { Signal } from '../../signal';
import type { StoredBatch } from '../../services/ingest';
import type { StoredEvent } from '../types';
import { SharedRead } from './access-tx';
import { unavailable, type PgDatabase } from './database';

/** The channel each append transaction notifies (001-core). */
export const EVENTS_CHANNEL = 'trail_events';
/** The channel each write of access facts notifies (003-access). */
export const ACCESS_CHANNEL = 'trail_access';

/**
 * While polls wait, how often the events are read even without a
 * NOTIFY: a listening connection that died without a word (no reset, no
 * error yet) would otherwise keep them waiting until they time out.
 */
const WAITING_READ_MS = 2000;

/** Rows read by one query of a catch-up. */
const PAGE_ROWS = 1000;

/** What the follower needs of the access facts' mirror (PgOwnership). */
export interface FollowedFacts {
  /** Reads the facts stored since the last read (visibility changes go out). */
  catchUp(): Promise<void>;
  /** The `seq` of the last fact read. */
  readonly lastSeq: number;
}

/** What of the app the follower feeds (the app's runtime). */
export interface FollowedApp {
  feed: ChangeFeed;
  /** The local ingest's signal: its batches are read back at once. */
  stored?: Signal<StoredBatch>;
}

/** Where the follower reports a read that failed in the background. */
export type FollowerLog = (message: string, err?: unknown) => void;

/** See the module comment. */
export class PgFollower {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly access: TeamAccess,
    private readonly facts: FollowedFacts,
    private readonly log: FollowerLog
  ) {}

  /**
   * Listens on both channels, then takes the last stored event as the
   * starting point: what was stored before is history (the listings read
   * it), what is stored after is followed.
   */
  static async open(
    db: PgDatabase,
    options: { access: TeamAccess; facts: FollowedFacts; log?: FollowerLog }
  ): Promise<PgFollower> {
    const follower = new PgFollower(
      db.pool,
      options.access,
      options.facts,
      options.log ?? ((message, err) => console.error(message, err))
    );
    // Listening first: a commit after the starting point is never missed.
    follower.stops.push(
      await db.listen(EVENTS_CHANNEL, () => follower.background()),
      await db.listen(ACCESS_CHANNEL, payload => {
        if (follower.closed) {
          return;
        }
        if (payload === null) {
          follower.background(); // reconnected: events may have been missed too
        }
        follower.facts
          .catchUp()
          .catch(err =>
            follower.log('following: reading the access facts failed', err)
          );
      })
    );
    try {
      const { rows } = await db.pool.query<{ n: string | null }>(
        'SELECT max(n) AS n FROM trail_events'
      );
      follower.last = Number(rows[0]?.n ?? 0);
    } catch (err) {
      await follower.close();
      throw unavailable(err);
    }
    return follower;
  }

  /** The `n` of the last event followed. */
  get lastN(): number {
    return this.last;
  }

  /**
   * Feeds `app` from now on: its change feed starts at the last event and
   * access fact read, and each batch its own ingest stores is read back.
   */
  attach(app: FollowedApp): void {
    this.app = app;
    app.feed.startAt({ e: this.last, v: this.facts.lastSeq });
    const timer = setInterval(() => {
      if (app.feed.waiting > 0) {
        this.background();
      }
    }, WAITING_READ_MS);
    timer.unref();
    this.stops.push(async () => clearInterval(timer));
    if (app.stored) {
      const disconnect = app.stored.connect(() => this.background());
      this.stops.push(async () => disconnect());
    }
  }

  /**
   * Reads every event committed before this call that was not followed
   * yet and hands it on (see the module comment). Concurrent callers share
   * one read; a database that does not answer rejects with a 503.
   */
  catchUp(): Promise<void> {
    return this.reads.run();
  }

  /**
   * Stops listening and following, and waits for the read under way (its
   * queries need the pool, which closes after this).
   */
  async close(): Promise<void> {
    this.closed = true;
    const stops = this.stops.splice(0);
    await Promise.all(stops.map(stop => stop().catch(() => undefined)));
    await this.reads.settled();
  }

  private background(): void {
    if (this.closed) {
      return;
    }
    this.catchUp().catch(err =>
      this.log('following: reading the events stored failed', err)
    );
  }

  private async read(): Promise<void> {
    for (;;) {
      let rows: { n: string; body: StoredEvent }[];
      try {
        ({ rows } = await this.pool.query<{ n: string; body: StoredEvent }>(
          'SELECT n, body FROM trail_event_bodies WHERE n > $1 ORDER BY n LIMIT $2',
          [this.last, PAGE_ROWS]
        ));
      } catch (err) {
        throw unavailable(err);
      }
      // Then the access facts, always (a catch-up brings both up to date):
      // the owners of the sessions these events belong to were claimed
      // before they were stored, so every check made of them knows them.
      await this.facts.catchUp();
      this.hand(rows.map(r => ({ n: Number(r.n), event: r.body })));
      if (rows.length < PAGE_ROWS || this.closed) {
        return;
      }
    }
  }

  /** Hands events read (in `n` order) to the access layer and the feed. */
  private hand(events: { n: number; event: StoredEvent }[]): void {
    const fresh = events.filter(e => e.n > this.last);
    if (fresh.length === 0) {
      return;
    }
    // Environment and structure events are stored in a form of their own;
    // the followers look at sessions, executions and annotations only.
    const stored = fresh.map(e => e.event as TrailEvent);
    const accepted = new Set(stored.map(e => e.id));
    this.access.noteStored({ stored, accepted });
    const last = fresh[fresh.length - 1].n;
    this.last = last;
    const notebookOf = (id: string) =>
      this.access.accessOf(id)?.notebookPath ?? '';
    this.app?.feed.pushNumbered(
      fresh.map(({ n, event }) => ({
        n,
        changes: changesOf(
          { stored: [event as TrailEvent], accepted },
          notebookOf
        )
      })),
      last
    );
  }

  private readonly reads = new SharedRead(() => this.read());
  private readonly stops: (() => Promise<void>)[] = [];
  private app: FollowedApp | null = null;
  /** The `n` of the last event handed on. */
  private last = 0;
  private closed = false;
}
