/**
 * `trail-server migrate --from <data dir> --to postgres://… [--blobs s3://…]`:
 * copies a whole history from one end to another (in practice a data
 * folder into PostgreSQL): users and token records with their hashes (so
 * tokens keep working), the access facts, then the events in storage
 * order with the blobs they cite, a batch per transaction.
 *
 * Resumable: appends are idempotent by event id and a batch is one
 * transaction, copied in order, so when the last event of a source batch
 * is in the target every event before it is too; such batches are
 * skipped without being sent, and the copy says where it resumes. At the
 * end both ends are compared (compare.ts); any difference makes the
 * command fail.
 */
import type { Fact } from '../access/access-log';
import type { StoredEvent } from '../store/types';
import { compareEnds, type Comparison } from './compare';
import { citedBlobs } from './export-format';
import { appendBatch } from './append-batch';
import { FactMatch } from './fact-match';
import type { HistoryEnd, PeopleAdded } from './history-end';

/** Facts copied per write. */
const FACT_BATCH = 1000;
/** Events read and appended per batch (one transaction). */
const EVENT_BATCH = 500;
/** Least time between two progress lines, in ms. */
const PROGRESS_MS = 5000;

/** What a migration did and found. */
export interface MigrationReport {
  people: PeopleAdded;
  factsCopied: number;
  eventsCopied: number;
  /** Events the target held already (an earlier run's). */
  eventsPresent: number;
  /** Whether nothing needed copying (a second run). */
  nothingToDo: boolean;
  comparison: Comparison;
}

/**
 * Copies `source` into `target` and compares them (see the module
 * comment); `say` hears progress lines.
 */
export async function migrateHistory(
  source: HistoryEnd,
  target: HistoryEnd,
  say: (line: string) => void,
  options: {
    batchSize?: number;
    /** Check only that the target holds the source (compare.ts), for --owner. */
    contained?: boolean;
  } = {}
): Promise<MigrationReport> {
  const { sessions, executions } = await source.counts();
  say(
    `copying ${source.where} (${sessions} sessions, ${executions} executions) into ${target.where}`
  );
  const sourcePeople = await source.people();
  const people = await target.addPeople(sourcePeople);
  say(
    `people: ${copied(people.users, sourcePeople.users.length, 'users')}, ` +
      copied(people.tokens, sourcePeople.tokens.length, 'tokens')
  );

  let factsCopied = 0;
  let factsSeen = 0;
  let facts: Fact[] = [];
  const matched = await FactMatch.of(target);
  const flushFacts = async () => {
    factsSeen += facts.length;
    const missing = matched.missing(facts);
    await target.appendFacts(missing);
    factsCopied += missing.length;
    facts = [];
  };
  for await (const fact of source.facts()) {
    facts.push(fact);
    if (facts.length >= FACT_BATCH) {
      await flushFacts();
    }
  }
  await flushFacts();
  say(`access facts: ${copied(factsCopied, factsSeen, 'facts')}`);

  let eventsCopied = 0;
  let eventsPresent = 0;
  let seen = 0;
  let resumedAt: number | null = null;
  let lastPresent = '';
  let lastSaid = Date.now();
  await source.store.scanEvents(
    async (events: StoredEvent[]) => {
      const last = events[events.length - 1];
      if (resumedAt === null && (await target.store.hasEvent(last.id))) {
        // Copied whole by an earlier run (see the module comment).
        eventsPresent += events.length;
        seen += events.length;
        lastPresent = last.id;
        return;
      }
      if (resumedAt === null) {
        resumedAt = seen;
        if (seen > 0) {
          say(
            `events: the first ${seen} were copied by an earlier run; ` +
              `resuming after event ${seen} (${lastPresent})`
          );
        }
      }
      const blobs = new Map<string, Buffer>();
      for (const event of events) {
        for (const sha256 of citedBlobs(event)) {
          if (!blobs.has(sha256)) {
            const content = await source.store.blobs.get(sha256);
            if (content) {
              blobs.set(sha256, content);
            }
          }
        }
      }
      const result = await appendBatch(target, events, blobs);
      eventsCopied += result.accepted.length;
      eventsPresent += result.duplicates.length;
      seen += events.length;
      if (Date.now() - lastSaid >= PROGRESS_MS) {
        lastSaid = Date.now();
        say(`events: ${seen} done (${eventsCopied} copied now)`);
      }
    },
    { batchSize: options.batchSize ?? EVENT_BATCH }
  );
  say(
    `events: ${eventsCopied} of ${seen} copied` +
      (eventsPresent > 0 ? ` (${eventsPresent} were there)` : '')
  );
  const nothingToDo =
    eventsCopied === 0 &&
    factsCopied === 0 &&
    people.users === 0 &&
    people.tokens === 0;
  if (nothingToDo) {
    say(
      `nothing to copy: ${target.where} already holds everything in ${source.where}`
    );
  }
  if (!nothingToDo && target.settle) {
    say(`${target.where}: updating the planner's statistics (ANALYZE)`);
    await target.settle();
  }
  say('checking: counts and content of both sides');
  const comparison = await compareEnds(source, target, {
    contained: options.contained
  });
  return {
    people,
    factsCopied,
    eventsCopied,
    eventsPresent,
    nothingToDo,
    comparison
  };
}

/** "3 of 5 users copied (2 were there)", "no users". */
function copied(count: number, of: number, what: string): string {
  if (of === 0) {
    return `no ${what}`;
  }
  return count === of
    ? `${count} ${what} copied`
    : `${count} of ${of} ${what} copied (${of - count} were there)`;
}
