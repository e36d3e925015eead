/**
 * `trail-server import --in FILE`: reads an export into any backend. The
 * whole file is verified first (export-reader.ts: gzip, header, lines,
 * blob hashes, trailer counts and SHA-256), so a truncated or altered file
 * is refused before anything is stored; then it is read again and stored:
 * people, access facts, then events with their blobs in batches. Every
 * step is idempotent (users and tokens by id, facts by content, events by
 * id), so an import that stopped midway is completed by running it again.
 *
 * Tokens come without their hashes (an export lets nobody authenticate):
 * their records are not restored; people get new tokens.
 *
 * With `owner` (`--owner <user>`), what the exporting server's owner
 * principal owned becomes that user's (owner-map.ts): the verifying pass
 * also notes the file's claims and sessions, facts are stored mapped, and
 * the claims of the sessions stored without one go just before the first
 * event.
 */
import type { Fact } from '../access/access-log';
import type { UserRecord } from '../access/directory';
import type { StoredEvent } from '../store/types';
import type { ContentCounts, ExportedToken } from './export-format';
import { readExport } from './export-reader';
import { appendBatch } from './append-batch';
import { FactMatch } from './fact-match';
import {
  checkEarlierOwner,
  mapFact,
  ownerUser,
  SourceOwners
} from './owner-map';
import { OWNER_ID } from '../access/directory';
import type { HistoryEnd, PeopleAdded } from './history-end';

/** Events stored per append. */
const EVENT_BATCH = 500;
/** Blob bytes that make a batch go before it is full. */
const BLOB_BATCH_BYTES = 32 * 1024 * 1024;
/** Facts stored per write. */
const FACT_BATCH = 1000;

/** What an import found and stored. */
export interface ImportSummary {
  /** The file's lines by type. */
  counts: ContentCounts;
  /** Events stored now (the rest were there already). */
  eventsStored: number;
  eventsPresent: number;
  factsStored: number;
  people: PeopleAdded;
  /** With `owner`: how many sessions of the owner principal became theirs. */
  ownerSessions?: number;
}

/**
 * Imports the export `path` into `target` (see the module comment);
 * `progress` hears how many events were handled so far.
 */
export async function importHistory(
  path: string,
  target: HistoryEnd,
  progress?: (events: number) => void,
  options: { owner?: string } = {}
): Promise<ImportSummary> {
  const owners = new SourceOwners();
  await readExport(path, line => {
    if (line.type === 'fact') {
      owners.noteFact(line.fact);
    } else if (line.type === 'event') {
      owners.noteEvent(line.event);
    }
  });
  const user =
    options.owner === undefined ? null : await ownerUser(target, options.owner);
  await checkEarlierOwner(owners, target, user?.id ?? OWNER_ID);
  const map = (fact: Fact): Fact => (user ? mapFact(fact, user.id) : fact);
  let claims = user ? owners.claimsFor(user.id) : [];
  const users: UserRecord[] = [];
  const tokens: ExportedToken[] = [];
  let facts: Fact[] = [];
  let events: StoredEvent[] = [];
  let blobs = new Map<string, Buffer>();
  let blobBytes = 0;
  let matched: FactMatch | null = null;
  const summary: ImportSummary = {
    counts: { user: 0, token: 0, fact: 0, blob: 0, event: 0 },
    eventsStored: 0,
    eventsPresent: 0,
    factsStored: 0,
    people: { users: 0, tokens: 0, tokensWithoutHash: 0 }
  };
  // People come first, and again after the events when some were added
  // while the export ran: each time those not added yet.
  let usersAdded = 0;
  let tokensAdded = 0;
  const addPeople = async () => {
    if (usersAdded === users.length && tokensAdded === tokens.length) {
      return;
    }
    const added = await target.addPeople({
      users: users.slice(usersAdded),
      tokens: tokens.slice(tokensAdded)
    });
    usersAdded = users.length;
    tokensAdded = tokens.length;
    summary.people.users += added.users;
    summary.people.tokens += added.tokens;
    summary.people.tokensWithoutHash += added.tokensWithoutHash;
  };
  const flushFacts = async () => {
    if (facts.length > 0) {
      matched ??= await FactMatch.of(target);
      const missing = matched.missing(facts);
      await target.appendFacts(missing);
      summary.factsStored += missing.length;
      facts = [];
    }
  };
  const flushEvents = async () => {
    if (events.length === 0) {
      return;
    }
    const result = await appendBatch(target, events, blobs);
    summary.eventsStored += result.accepted.length;
    summary.eventsPresent += result.duplicates.length;
    events = [];
    blobs = new Map();
    blobBytes = 0;
    progress?.(summary.eventsStored + summary.eventsPresent);
  };
  const contents = await readExport(path, async line => {
    if (line.type !== 'user' && line.type !== 'token') {
      await addPeople();
    }
    if (line.type !== 'fact') {
      if (
        claims.length > 0 &&
        (line.type === 'blob' || line.type === 'event')
      ) {
        facts.push(...claims);
        claims = [];
      }
      await flushFacts();
    }
    switch (line.type) {
      case 'user':
        users.push(line.user);
        break;
      case 'token':
        tokens.push(line.token);
        break;
      case 'fact':
        facts.push(map(line.fact));
        if (facts.length >= FACT_BATCH) {
          await flushFacts();
        }
        break;
      case 'blob': {
        const content = Buffer.from(line.base64, 'base64');
        blobs.set(line.sha256, content);
        blobBytes += content.length;
        break;
      }
      case 'event':
        events.push(line.event);
        if (events.length >= EVENT_BATCH || blobBytes >= BLOB_BATCH_BYTES) {
          await flushEvents();
        }
        break;
    }
  });
  await addPeople();
  await flushFacts();
  await flushEvents();
  if (summary.eventsStored > 0 || summary.factsStored > 0) {
    await target.settle?.();
  }
  summary.counts = contents.counts;
  if (user) {
    summary.ownerSessions = owners.ownerSessions().length;
  }
  return summary;
}
