/**
 * Ids scoped per author where they collide with what the writer may not
 * read (issue #11).
 *
 * Ids are made by clients, so a person may send a record under an id that
 * someone's private record already holds (they saw it while it was team,
 * or guessed it). Refusing the write, or dropping it, would tell them that
 * the id is taken: a private record must look like no record at all. So
 * their record is stored, as theirs, under an internal id derived from the
 * public one and the author, and an alias fact in access.log says which
 * public id it stands for. Reads resolve a public id for the reader and
 * show every stored record under its public id (see TeamAccess.recordFor).
 *
 * An internal id is `<public id>.<16 hex digits>`: the dot is outside the
 * id pattern of the record schemas, so no client can send one, and the
 * path parameters of the API refuse it. It is deterministic, so a resend
 * maps to the same record and is answered as a duplicate.
 */
import { createHash } from 'node:crypto';

/** What kind of id an alias stands in for (each kind has its own ids). */
export type AliasKind = 'session' | 'execution' | 'event';

/** One author's record stored under an internal id in place of `publicId`. */
export interface Alias {
  kind: AliasKind;
  publicId: string;
  authorId: string;
  internalId: string;
}

/** The internal id of `authorId`'s record named `publicId` (see the module comment). */
export function aliasId(
  kind: AliasKind,
  publicId: string,
  authorId: string
): string {
  const digest = createHash('sha256')
    .update(`${kind}\u0000${publicId}\u0000${authorId}`)
    .digest('hex');
  return `${publicId}.${digest.slice(0, 16)}`;
}

function keyOf(kind: AliasKind, publicId: string): string {
  return `${kind}\u0000${publicId}`;
}

/** Every alias, by public id (in the order they were made) and by internal id. */
export class AliasTable {
  private readonly byPublic = new Map<string, Alias[]>();
  private readonly byInternal = new Map<string, Alias>();

  /** How many aliases exist; 0 lets every read skip alias work. */
  get size(): number {
    return this.byInternal.size;
  }

  /** Adds an alias; false when its internal id is known already. */
  add(alias: Alias): boolean {
    if (this.byInternal.has(alias.internalId)) {
      return false;
    }
    this.byInternal.set(alias.internalId, alias);
    const key = keyOf(alias.kind, alias.publicId);
    const list = this.byPublic.get(key);
    if (list) {
      list.push(alias);
    } else {
      this.byPublic.set(key, [alias]);
    }
    return true;
  }

  /** Whether an alias with this internal id exists. */
  has(internalId: string): boolean {
    return this.byInternal.has(internalId);
  }

  /** The aliases of a public id, oldest first, or undefined. */
  of(kind: AliasKind, publicId: string): readonly Alias[] | undefined {
    return this.size === 0
      ? undefined
      : this.byPublic.get(keyOf(kind, publicId));
  }

  /** The alias `authorId` has for a public id, or undefined. */
  own(kind: AliasKind, publicId: string, authorId: string): Alias | undefined {
    return this.of(kind, publicId)?.find(a => a.authorId === authorId);
  }

  /** Every alias of a kind, oldest first. */
  *all(kind: AliasKind): Iterable<Alias> {
    for (const alias of this.byInternal.values()) {
      if (alias.kind === kind) {
        yield alias;
      }
    }
  }

  /** The public ids of a kind that aliases stand for, with their aliases. */
  *byPublicId(kind: AliasKind): Iterable<[string, readonly Alias[]]> {
    if (this.size === 0) {
      return;
    }
    for (const aliases of this.byPublic.values()) {
      if (aliases[0].kind === kind) {
        yield [aliases[0].publicId, aliases];
      }
    }
  }

  /** The public id of a stored record's id (itself unless it is an alias). */
  publicId(id: string): string {
    return this.size === 0 ? id : (this.byInternal.get(id)?.publicId ?? id);
  }
}
