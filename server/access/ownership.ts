/**
 * Who owns each session and who may see it, kept beside the history in
 * `<data>/access.log`: one line per fact, appended durably (O_DSYNC)
 * before the events it governs are stored, replayed at startup.
 *
 * A line is `<crc32 of the JSON, 8 hex digits> <JSON>` then LF, so a
 * damaged or torn line is recognised on its own and skipped: the facts
 * after it still count. A write that fails (a full disk) is cut off again
 * before anything else is appended, is never applied and is answered 503;
 * nothing that is not durable is acknowledged. Lines of the first format
 * (the JSON alone) are still read; in a line that does not parse, the
 * facts that start later in it (appended after a torn write by that
 * format) are recovered.
 *
 * The facts are listed in access-log.ts; aliases.ts says what an alias is.
 *
 * A session belongs to whoever sent its first event; its visibility starts
 * as the session.started event asks, else the author's rule for that
 * notebook, else team.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors';
import {
  openDurableAppend,
  reopenTruncated,
  syncAfterWrite
} from '../store/durable-append';
import { frame, readFacts, type Fact } from './access-log';
import { AliasTable, type Alias } from './aliases';
import type { Visibility } from './policy';
import { ACCESS_CHANGED, type SessionOwnership } from './session-ownership';

/** What is known of one session's access. */
export interface SessionAccess {
  authorId: string;
  visibility: Visibility;
  notebookPath: string | null;
}

/** A session whose visibility a stored fact changed. */
export interface VisibilityChange {
  sessionId: string;
  /** Its notebook ('' while not known). */
  notebookPath: string;
  authorId: string;
  from: Visibility;
  to: Visibility;
  /** The position of the fact in the database's log (PostgreSQL backend). */
  seq?: number;
}

function ruleKey(authorId: string, notebookPath: string): string {
  return `${authorId}\u0000${notebookPath}`;
}

function isVisibility(v: unknown): v is Visibility {
  return v === 'team' || v === 'private';
}

/** The ownership of every session, durable in access.log. */
export class OwnershipStore implements SessionOwnership {
  private constructor(
    private file: FileHandle | null,
    readonly path: string | null
  ) {}

  /** An ownership store that keeps nothing on disk (unit tests, memory stores). */
  static memory(): OwnershipStore {
    return new OwnershipStore(null, null);
  }

  /** Opens (creating) `<dataDir>/access.log` and replays it. */
  static async open(dataDir: string): Promise<OwnershipStore> {
    const path = join(dataDir, 'access.log');
    let bytes = Buffer.alloc(0);
    try {
      bytes = await fs.readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw err;
      }
    }
    const store = new OwnershipStore(await openDurableAppend(path, true), path);
    // A last line without its LF is a write cut short: never acknowledged.
    const complete = bytes.lastIndexOf(0x0a) + 1;
    for (const fact of readFacts(bytes.subarray(0, complete))) {
      store.apply(fact);
    }
    if (complete < bytes.length) {
      await store.file!.truncate(complete);
    }
    store.size = complete;
    return store;
  }

  /** Every alias (see aliases.ts), as replayed and written. */
  readonly aliases = new AliasTable();

  /** The access facts of a session, or undefined when nothing of it is stored. */
  session(sessionId: string): SessionAccess | undefined {
    return this.sessions.get(sessionId);
  }

  /** Every private session, to its author's id. */
  privateSessions(): ReadonlyMap<string, string> {
    return this.privates;
  }

  /** Changes whenever a fact is applied (what is derived from them may be kept until then). */
  get version(): number {
    return this.factsApplied;
  }
  private factsApplied = 0;

  /** Every session id owned by `authorId`. */
  sessionsOf(authorId: string): string[] {
    return [...(this.byAuthor.get(authorId) ?? [])];
  }

  /** The author's visibility rule for a notebook, if set. */
  rule(authorId: string, notebookPath: string): Visibility | undefined {
    return this.rules.get(ruleKey(authorId, notebookPath));
  }

  /** Every rule of an author, by notebook path. */
  rulesOf(authorId: string): Map<string, Visibility> {
    const out = new Map<string, Visibility>();
    const prefix = `${authorId}\u0000`;
    for (const [key, v] of this.rules) {
      if (key.startsWith(prefix)) {
        out.set(key.slice(prefix.length), v);
      }
    }
    return out;
  }

  /**
   * Records that `authorId` owns these new sessions, and the new aliases
   * (see aliases.ts), durably and in one write, before the events they
   * govern are stored. Sessions already owned and aliases already known
   * are left as they are, but a session another person claimed while
   * this claim waited its turn fails it with a 503 ACCESS_CHANGED (see
   * stillToClaim); an alias is written before the claims, so no claim of
   * an internal id is ever read without it.
   */
  async claim(
    claims: {
      sessionId: string;
      authorId: string;
      notebookPath: string | null;
      visibility?: Visibility;
    }[],
    aliases: readonly Alias[] = []
  ): Promise<void> {
    const facts: Fact[] = [];
    const at = new Date().toISOString();
    for (const alias of aliases) {
      if (!this.aliases.has(alias.internalId)) {
        facts.push({
          t: 'alias',
          k: alias.kind,
          p: alias.publicId,
          a: alias.authorId,
          i: alias.internalId,
          at
        });
      }
    }
    const seen = new Set<string>();
    for (const c of claims) {
      if (this.sessions.has(c.sessionId) || seen.has(c.sessionId)) {
        continue;
      }
      seen.add(c.sessionId);
      const v =
        c.visibility ??
        (c.notebookPath !== null
          ? this.rule(c.authorId, c.notebookPath)
          : undefined) ??
        'team';
      facts.push({
        t: 'claim',
        s: c.sessionId,
        a: c.authorId,
        n: c.notebookPath,
        v,
        at
      });
    }
    await this.write(facts, pending => this.stillToClaim(pending));
  }

  /**
   * What of a claim is still to write once the writes queued before it are
   * applied: a session claimed meanwhile by the same person is left out,
   * one claimed by another person fails the claim (ACCESS_CHANGED, nothing
   * written) so the batch is decided again against its owner (see
   * ingest-scope.ts), as the PostgreSQL backend does for a claim another
   * server won.
   */
  private stillToClaim(facts: Fact[]): Fact[] {
    return facts.filter(f => {
      if (f.t === 'alias') {
        return !this.aliases.has(f.i);
      }
      const owner = f.t === 'claim' ? this.sessions.get(f.s) : undefined;
      if (f.t !== 'claim' || !owner) {
        return true;
      }
      if (owner.authorId !== f.a) {
        throw new AppError(
          503,
          ACCESS_CHANGED,
          'Another request recorded the owner of a session in this batch at the same moment; nothing was stored. Try again.'
        );
      }
      return false;
    });
  }

  /** Sets a session's visibility. */
  async setVisibility(
    sessionId: string,
    visibility: Visibility,
    by: string
  ): Promise<void> {
    if (!this.sessions.has(sessionId)) {
      throw new Error(`unknown session ${sessionId}`);
    }
    await this.write([
      {
        t: 'vis',
        s: sessionId,
        v: visibility,
        by,
        at: new Date().toISOString()
      }
    ]);
  }

  /**
   * Sets an author's rule for a notebook and applies it to their sessions
   * of it; returns how many sessions changed.
   */
  async setNotebookRule(
    authorId: string,
    notebookPath: string,
    visibility: Visibility
  ): Promise<number> {
    const at = new Date().toISOString();
    const facts: Fact[] = [
      { t: 'rule', a: authorId, n: notebookPath, v: visibility, at }
    ];
    for (const id of this.byAuthor.get(authorId) ?? []) {
      const s = this.sessions.get(id)!;
      if (s.notebookPath === notebookPath && s.visibility !== visibility) {
        facts.push({ t: 'vis', s: id, v: visibility, by: authorId, at });
      }
    }
    await this.write(facts);
    return facts.length - 1;
  }

  /** Sets the notebook path of a session claimed before its path was known. */
  notePath(sessionId: string, notebookPath: string): void {
    const s = this.sessions.get(sessionId);
    if (s && s.notebookPath === null) {
      s.notebookPath = notebookPath;
    }
  }

  /**
   * Calls `listener` with the sessions whose visibility a write changed,
   * once it is durable; returns the function that stops it.
   */
  onVisibilityChange(
    listener: (changes: VisibilityChange[]) => void
  ): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.file?.close();
  }

  /**
   * Appends facts durably, then applies them; `settle` first says which
   * of them are still to write, once the writes before are applied (or
   * throws, writing nothing). A failed write is cut off
   * the file again (so the next fact does not follow broken bytes) and
   * rejects with a 503; when even that cut fails, every later write tries
   * it first and fails the same way until it succeeds.
   */
  private write(
    facts: Fact[],
    settle?: (facts: Fact[]) => Fact[]
  ): Promise<void> {
    if (facts.length === 0) {
      return Promise.resolve();
    }
    const done = this.chain.then(async () => {
      // Decided in turn: what the writes before this one changed counts.
      const written = settle ? settle(facts) : facts;
      if (written.length === 0) {
        return;
      }
      if (this.file) {
        await this.append(Buffer.from(written.map(frame).join(''), 'utf8'));
      }
      this.applyStored(written);
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  /**
   * Applies facts made durable elsewhere, in their order, and tells the
   * listeners which sessions' visibility changed: this is how a store
   * made by {@link memory} mirrors the facts a database keeps
   * (store/postgres/pg-ownership.ts), whose log positions `seqs` gives
   * (one per fact) for the changes to carry.
   */
  applyStored(facts: readonly Fact[], seqs?: readonly number[]): void {
    const changed: VisibilityChange[] = [];
    for (const [i, f] of facts.entries()) {
      const sessionId = f.t === 'vis' ? f.s : null;
      const before = sessionId ? this.sessions.get(sessionId) : undefined;
      const from = before?.visibility;
      this.apply(f);
      if (sessionId && before && from && from !== before.visibility) {
        changed.push({
          sessionId,
          notebookPath: before.notebookPath ?? '',
          authorId: before.authorId,
          from,
          to: before.visibility,
          ...(seqs ? { seq: seqs[i] } : {})
        });
      }
    }
    if (changed.length > 0) {
      for (const listener of [...this.listeners]) {
        listener(changed);
      }
    }
  }

  private async append(bytes: Buffer): Promise<void> {
    try {
      if (this.dirty) {
        await this.cutFailedWrite();
      }
      this.dirty = true;
      await this.file!.appendFile(bytes);
      if (syncAfterWrite) {
        await this.file!.datasync();
      }
      this.dirty = false;
      this.size += bytes.length;
    } catch (err) {
      if (this.dirty) {
        await this.cutFailedWrite().catch(() => undefined);
      }
      const failure = new AppError(
        503,
        'storage_unavailable',
        'The server could not record who may read the session; nothing was changed. Try again later.'
      );
      failure.cause = err;
      throw failure;
    }
  }

  /** Cuts the file back to its durable facts (see {@link reopenTruncated}). */
  private async cutFailedWrite(): Promise<void> {
    const file = await reopenTruncated(this.path!, this.size);
    await this.file!.close().catch(() => undefined);
    this.file = file;
    this.dirty = false;
  }

  private apply(fact: Fact): void {
    this.factsApplied++;
    switch (fact.t) {
      case 'claim': {
        if (this.sessions.has(fact.s) || !isVisibility(fact.v)) {
          return;
        }
        this.sessions.set(fact.s, {
          authorId: fact.a,
          visibility: fact.v,
          notebookPath: fact.n
        });
        let set = this.byAuthor.get(fact.a);
        if (!set) {
          set = new Set();
          this.byAuthor.set(fact.a, set);
        }
        set.add(fact.s);
        if (fact.v === 'private') {
          this.privates.set(fact.s, fact.a);
        }
        return;
      }
      case 'vis': {
        const s = this.sessions.get(fact.s);
        if (s && isVisibility(fact.v)) {
          s.visibility = fact.v;
          if (fact.v === 'private') {
            this.privates.set(fact.s, s.authorId);
          } else {
            this.privates.delete(fact.s);
          }
        }
        return;
      }
      case 'rule':
        if (isVisibility(fact.v)) {
          this.rules.set(ruleKey(fact.a, fact.n), fact.v);
        }
        return;
      case 'path':
        this.notePath(fact.s, fact.n);
        return;
      case 'alias':
        this.aliases.add({
          kind: fact.k,
          publicId: fact.p,
          authorId: fact.a,
          internalId: fact.i
        });
        return;
      default:
        throw new Error('unknown fact');
    }
  }

  private chain: Promise<void> = Promise.resolve();
  private listeners = new Set<(changes: VisibilityChange[]) => void>();
  /** The length of the file's durable facts. */
  private size = 0;
  /** Whether bytes past `size` may be on the file (a write that failed). */
  private dirty = false;
  private sessions = new Map<string, SessionAccess>();
  private byAuthor = new Map<string, Set<string>>();
  /** The private sessions, to their authors (every listing excludes them). */
  private privates = new Map<string, string>();
  private rules = new Map<string, Visibility>();
}
