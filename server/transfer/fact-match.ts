/**
 * Which access facts of a source a target lacks. Facts have no ids, so
 * they are matched by content (the SHA-256 of their canonical JSON), as a
 * multiset: each fact the target holds stands for one equal fact of the
 * source, so a fact that really happened twice (the same change twice in
 * one millisecond) is copied twice, and a copy stopped midway or run again
 * appends only what is missing. Memory: one digest per target fact.
 */
import { createHash } from 'node:crypto';
import type { Fact } from '../access/access-log';
import { canonicalJson } from '../canonical-json';
import type { HistoryEnd } from './history-end';

function digest(fact: Fact): string {
  return createHash('sha256').update(canonicalJson(fact)).digest('base64');
}

/** See the module comment; one per copy. */
export class FactMatch {
  private constructor(private readonly held: Map<string, number>) {}

  /** Reads the facts `target` holds. */
  static async of(target: HistoryEnd): Promise<FactMatch> {
    const held = new Map<string, number>();
    for await (const fact of target.facts()) {
      const key = digest(fact);
      held.set(key, (held.get(key) ?? 0) + 1);
    }
    return new FactMatch(held);
  }

  /** The facts of `facts` (the source's, in order) the target lacks. */
  missing(facts: readonly Fact[]): Fact[] {
    return facts.filter(fact => {
      const key = digest(fact);
      const count = this.held.get(key) ?? 0;
      if (count === 0) {
        return true;
      }
      if (count === 1) {
        this.held.delete(key);
      } else {
        this.held.set(key, count - 1);
      }
      return false;
    });
  }
}
