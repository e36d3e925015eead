/**
 * The check at the end of a migration: both ends read whole, and for each
 * kind of thing (each event kind, blobs, access facts, users, tokens) a
 * count and a content digest compared. A digest is the sum (mod 2^256) of
 * the SHA-256 of each item's canonical JSON (a blob: of its content), so
 * it does not depend on the order the target lists things in, and memory
 * stays flat (only the set of blob hashes met is kept).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { Fact } from '../access/access-log';
import type { TokenRecord, UserRecord } from '../access/directory';
import type { StoredEvent } from '../store/types';
import { citedBlobs, sessionOfEvent } from './export-format';
import type { HistoryEnd } from './history-end';

const MOD = 1n << 256n;

/** Count and digest of one kind of thing on one end. */
class Tally {
  count = 0;
  private sum = 0n;

  add(bytes: string | Buffer): void {
    this.count++;
    const hash = createHash('sha256').update(bytes).digest('hex');
    this.sum = (this.sum + BigInt(`0x${hash}`)) % MOD;
  }

  get digest(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}

/** One kind compared. */
export interface KindCheck {
  kind: string;
  source: { count: number; digest: string };
  target: { count: number; digest: string };
  same: boolean;
}

/** Every kind compared; `same` when all are. */
export interface Comparison {
  kinds: KindCheck[];
  same: boolean;
}

/** Which items of an end a tally counts (all when absent). */
interface Keep {
  event(event: StoredEvent): boolean;
  fact(fact: Fact): boolean;
  user(user: UserRecord): boolean;
  token(token: TokenRecord): boolean;
}

/** Counts and digests of one end, by kind. */
async function tally(
  end: HistoryEnd,
  keep?: Keep
): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>();
  const of = (kind: string) => {
    let t = tallies.get(kind);
    if (!t) {
      t = new Tally();
      tallies.set(kind, t);
    }
    return t;
  };
  for (const kind of [
    'session.started',
    'execution.completed',
    'execution.annotated',
    'environment.captured',
    'structure.captured',
    'blob',
    'fact',
    'user',
    'token'
  ]) {
    of(kind);
  }
  const blobs = new Set<string>();
  await end.store.scanEvents(async events => {
    for (const event of events) {
      if (keep && !keep.event(event)) {
        continue;
      }
      of(event.kind).add(canonicalJson(event));
      for (const sha256 of citedBlobs(event)) {
        if (blobs.has(sha256)) {
          continue;
        }
        blobs.add(sha256);
        const content = await end.store.blobs.get(sha256);
        if (content) {
          of('blob').add(content);
        }
      }
    }
  });
  for await (const fact of end.facts()) {
    if (!keep || keep.fact(fact)) {
      of('fact').add(canonicalJson(fact));
    }
  }
  const people = await end.people();
  people.users
    .filter(u => !keep || keep.user(u))
    .forEach(u => of('user').add(canonicalJson(u)));
  people.tokens
    .filter(t => !keep || keep.token(t))
    .forEach(t => of('token').add(canonicalJson(t)));
  return tallies;
}

/**
 * What of a target a `contained` comparison counts: the events of the
 * source's sessions (and the blobs they cite), the facts equal to one of
 * the source's (as a multiset), the users and tokens of the source's ids.
 */
async function sourcePart(source: HistoryEnd): Promise<Keep> {
  const sessions = new Set<string>();
  await source.store.scanEvents(async events => {
    events.forEach(e => sessions.add(sessionOfEvent(e)));
  });
  const facts = new Map<string, number>();
  for await (const fact of source.facts()) {
    const key = canonicalJson(fact);
    facts.set(key, (facts.get(key) ?? 0) + 1);
  }
  const people = await source.people();
  const users = new Set(people.users.map(u => u.id));
  const tokens = new Set(people.tokens.map(t => t.id));
  return {
    event: e => sessions.has(sessionOfEvent(e)),
    fact: f => {
      const key = canonicalJson(f);
      const left = facts.get(key) ?? 0;
      facts.set(key, left - 1);
      return left > 0;
    },
    user: u => users.has(u.id),
    token: t => tokens.has(t.id)
  };
}

/**
 * Compares `source` and `target` kind by kind (see the module comment).
 * With `contained`, the target may hold more than the source (a team
 * database a personal history is merged into, `--owner`): only its part
 * that stands for the source is counted (see sourcePart), so the check
 * says whether every item of the source is there, unchanged, and whether
 * the source's sessions hold anything else.
 */
export async function compareEnds(
  source: HistoryEnd,
  target: HistoryEnd,
  options: { contained?: boolean } = {}
): Promise<Comparison> {
  const keep = options.contained ? await sourcePart(source) : undefined;
  const [a, b] = [await tally(source), await tally(target, keep)];
  const kinds: KindCheck[] = [];
  for (const kind of new Set([...a.keys(), ...b.keys()])) {
    const s = a.get(kind) ?? new Tally();
    const t = b.get(kind) ?? new Tally();
    kinds.push({
      kind,
      source: { count: s.count, digest: s.digest },
      target: { count: t.count, digest: t.digest },
      same: s.count === t.count && s.digest === t.digest
    });
  }
  return { kinds, same: kinds.every(k => k.same) };
}

/** The comparison as a table for the terminal. */
export function comparisonTable(comparison: Comparison): string[] {
  const rows = [
    ['kind', 'source', 'target', 'content'],
    ...comparison.kinds.map(k => [
      k.kind,
      String(k.source.count),
      String(k.target.count),
      k.same
        ? `same (${k.source.digest.slice(0, 12)})`
        : `DIFFERS (${k.source.digest.slice(0, 12)} / ${k.target.digest.slice(0, 12)})`
    ])
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows.map(r =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
  );
}
