/**
 * `--owner <user>` of `migrate --from` and `import`: a laptop's history
 * belongs to the server's owner principal (OWNER_ID, shown as the OS user),
 * which on a team server is that server's owner, not the person who
 * recorded it. With `--owner alice`, what the source's owner principal
 * owns becomes alice's on the target: its claims, visibility changes,
 * notebook rules and aliases name her id instead of OWNER_ID, and the
 * sessions stored without access facts (which TeamAccess treats as the
 * owner's, team-visible) get a claim of hers, written before their events
 * so a running server never shows them as someone else's. Sessions of
 * other users keep their owners.
 *
 * The mapping is recorded by the target itself: the claims it holds. A
 * later run (a resumed or repeated copy) with another `--owner`, or
 * without one, would leave the copy half one way and half the other; it
 * is refused before anything is written ({@link checkEarlierOwner}).
 */
import type { Fact } from '../access/access-log';
import { OWNER_ID, type UserRecord } from '../access/directory';
import type { StoredEvent } from '../store/types';
import { TransferError, type HistoryEnd } from './history-end';

/** `fact` with the source's owner principal replaced by `userId`. */
export function mapFact(fact: Fact, userId: string): Fact {
  switch (fact.t) {
    case 'claim':
    case 'rule':
    case 'alias':
      return fact.a === OWNER_ID ? { ...fact, a: userId } : fact;
    case 'vis':
      return fact.by === OWNER_ID ? { ...fact, by: userId } : fact;
    default:
      return fact;
  }
}

/**
 * The user of `target` named `name`; refused, naming the command that
 * adds them, when there is none.
 */
export async function ownerUser(
  target: HistoryEnd,
  name: string
): Promise<UserRecord> {
  const { users } = await target.people();
  const user = users.find(u => u.name === name);
  if (!user) {
    const where =
      target.kind === 'postgres'
        ? '--database <url>'
        : `--data ${target.where}`;
    throw new TransferError(
      `--owner ${name}: ${target.where} has no user "${name}"; add them first with ` +
        `\`trail-server users add ${name} ${where}\` and run this again (nothing was copied)`
    );
  }
  return user;
}

/** A session as the owner bookkeeping needs it. */
interface SeenSession {
  notebookPath: string | null;
  at: string;
}

/**
 * Who owns what in a source, read from its facts and its sessions: the
 * sessions of the owner principal (claimed by OWNER_ID, or stored without
 * a claim) and the claims the unclaimed ones need.
 */
export class SourceOwners {
  /** The first claim's author of each claimed session. */
  private readonly claimed = new Map<string, string>();
  private readonly seen = new Map<string, SeenSession>();

  noteFact(fact: Fact): void {
    if (fact.t === 'claim' && !this.claimed.has(fact.s)) {
      this.claimed.set(fact.s, fact.a);
    }
  }

  /** A stored session; the first note of one wins unless `started`. */
  noteSession(
    id: string,
    notebookPath: string | null,
    at: string,
    started = false
  ): void {
    if (started || !this.seen.has(id)) {
      this.seen.set(id, { notebookPath, at });
    }
  }

  /** The sessions a stored event names (a start or an execution). */
  noteEvent(event: StoredEvent): void {
    if (event.kind === 'session.started') {
      const s = event.session;
      this.noteSession(s.id, s.notebookPath ?? null, s.startedAt, true);
    } else if (event.kind === 'execution.completed') {
      const e = event.execution;
      this.noteSession(e.sessionId, e.notebookPath ?? null, e.startedAt);
    }
  }

  /** Reads a whole source end. */
  static async of(source: HistoryEnd): Promise<SourceOwners> {
    const owners = new SourceOwners();
    for await (const fact of source.facts()) {
      owners.noteFact(fact);
    }
    let after;
    do {
      const page = await source.store.listSessions({ limit: 1000, after });
      for (const s of page.items) {
        owners.noteSession(s.id, s.notebookPath ?? null, s.startedAt);
      }
      after = page.next ?? undefined;
    } while (after);
    return owners;
  }

  /** The ids of the owner principal's sessions. */
  ownerSessions(): string[] {
    const ids = [...this.claimed]
      .filter(([, author]) => author === OWNER_ID)
      .map(([id]) => id);
    for (const id of this.seen.keys()) {
      if (!this.claimed.has(id)) {
        ids.push(id);
      }
    }
    return ids;
  }

  /**
   * Claims of `userId` for the sessions stored without one, as TeamAccess
   * sees them (team-visible); made from the sessions themselves, so a
   * second run makes the same facts and finds them there.
   */
  claimsFor(userId: string): Fact[] {
    const facts: Fact[] = [];
    for (const [id, s] of this.seen) {
      if (!this.claimed.has(id)) {
        facts.push({
          t: 'claim',
          s: id,
          a: userId,
          n: s.notebookPath,
          v: 'team',
          at: s.at
        });
      }
    }
    return facts;
  }
}

/**
 * Refuses a copy whose owner mapping differs from the one an earlier run
 * left in `target`: a source owner session the target holds claimed by
 * someone else than `expected` (the `--owner` user's id, or OWNER_ID
 * without `--owner`), or held without a claim (copied without `--owner`)
 * when a user is expected.
 */
export async function checkEarlierOwner(
  owners: SourceOwners,
  target: HistoryEnd,
  expected: string
): Promise<void> {
  const ids = new Set(owners.ownerSessions());
  if (ids.size === 0) {
    return;
  }
  const held = new Map<string, string>();
  for await (const fact of target.facts()) {
    if (fact.t === 'claim' && ids.has(fact.s) && !held.has(fact.s)) {
      held.set(fact.s, fact.a);
    }
  }
  let found: { id: string; author: string } | null = null;
  for (const [id, author] of held) {
    if (author !== expected) {
      found = { id, author };
      break;
    }
  }
  if (!found && expected !== OWNER_ID) {
    const unclaimed = new Set([...ids].filter(id => !held.has(id)));
    if (unclaimed.size > 0) {
      const page = await target.store.listSessions({
        ids: unclaimed,
        limit: 1
      });
      if (page.items.length > 0) {
        found = { id: page.items[0].id, author: OWNER_ID };
      }
    }
  }
  if (!found) {
    return;
  }
  const { users } = await target.people();
  const option = (id: string) =>
    id === OWNER_ID
      ? null
      : `--owner ${users.find(u => u.id === id)?.name ?? id}`;
  const earlier = option(found.author);
  const now = option(expected);
  throw new TransferError(
    `session ${found.id} of the source's owner is in ${target.where} already, ` +
      `copied by an earlier run ${earlier ? `with ${earlier}` : 'without --owner'} ` +
      `(this run has ${now ?? 'no --owner'}); an owner is not changed once copied: ` +
      `run it ${earlier ? `with ${earlier}` : 'without --owner'} to complete that copy ` +
      '(nothing was copied now)'
  );
}

/**
 * `source` as the target should hold it with the mapping: facts mapped,
 * then the claims of the unclaimed sessions; the rest as it is.
 */
export function ownedSource(
  source: HistoryEnd,
  userId: string,
  claims: Fact[]
): HistoryEnd {
  return {
    kind: source.kind,
    where: source.where,
    store: source.store,
    counts: () => source.counts(),
    async *facts() {
      for await (const fact of source.facts()) {
        yield mapFact(fact, userId);
      }
      yield* claims;
    },
    people: () => source.people(),
    appendFacts: facts => source.appendFacts(facts),
    addPeople: people => source.addPeople(people),
    close: () => source.close()
  };
}
