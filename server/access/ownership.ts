/**
 * Who owns each session and who may see it, kept beside the history in
 * `<data>/access.log`: one JSON line per fact, appended durably (O_DSYNC)
 * before the events it governs are stored, replayed at startup. A torn last
 * line (a crash mid-write) is ignored; nothing it stood for was acknowledged.
 *
 * Facts:
 *   {"t":"claim","s":sessionId,"a":authorId,"n":notebookPath,"v":visibility,"at":iso}
 *   {"t":"vis","s":sessionId,"v":visibility,"by":userId,"at":iso}
 *   {"t":"rule","a":authorId,"n":notebookPath,"v":visibility,"at":iso}
 *
 * A session belongs to whoever sent its first event; its visibility starts
 * as the session.started event asks, else the author's rule for that
 * notebook, else team.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { openDurableAppend, syncAfterWrite } from '../store/durable-append';
import type { Visibility } from './policy';

/** What is known of one session's access. */
export interface SessionAccess {
  authorId: string;
  visibility: Visibility;
  notebookPath: string | null;
}

type Fact =
  | {
      t: 'claim';
      s: string;
      a: string;
      n: string | null;
      v: Visibility;
      at: string;
    }
  | { t: 'vis'; s: string; v: Visibility; by: string; at: string }
  | { t: 'rule'; a: string; n: string; v: Visibility; at: string };

function ruleKey(authorId: string, notebookPath: string): string {
  return `${authorId}\u0000${notebookPath}`;
}

function isVisibility(v: unknown): v is Visibility {
  return v === 'team' || v === 'private';
}

/** The ownership of every session, durable in access.log. */
export class OwnershipStore {
  private constructor(
    private readonly file: FileHandle | null,
    readonly path: string | null
  ) {}

  /** An ownership store that keeps nothing on disk (unit tests, memory stores). */
  static memory(): OwnershipStore {
    return new OwnershipStore(null, null);
  }

  /** Opens (creating) `<dataDir>/access.log` and replays it. */
  static async open(dataDir: string): Promise<OwnershipStore> {
    const path = join(dataDir, 'access.log');
    let text = '';
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw err;
      }
    }
    let valid = 0;
    const store = new OwnershipStore(await openDurableAppend(path, true), path);
    let offset = 0;
    for (const line of text.split('\n')) {
      const end = offset + Buffer.byteLength(line, 'utf8') + 1;
      if (end > Buffer.byteLength(text, 'utf8')) {
        break; // no newline: a torn last write
      }
      try {
        store.apply(JSON.parse(line) as Fact);
        valid = end;
      } catch {
        break;
      }
      offset = end;
    }
    if (valid < Buffer.byteLength(text, 'utf8')) {
      await store.file!.truncate(valid);
    }
    return store;
  }

  /** The access facts of a session, or undefined when nothing of it is stored. */
  session(sessionId: string): SessionAccess | undefined {
    return this.sessions.get(sessionId);
  }

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
   * Records that `authorId` owns these new sessions (durably, before their
   * events are stored). Sessions already owned are left as they are.
   */
  async claim(
    claims: {
      sessionId: string;
      authorId: string;
      notebookPath: string | null;
      visibility?: Visibility;
    }[]
  ): Promise<void> {
    const facts: Fact[] = [];
    const at = new Date().toISOString();
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
    await this.write(facts);
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

  async close(): Promise<void> {
    await this.chain;
    await this.file?.close();
  }

  private write(facts: Fact[]): Promise<void> {
    if (facts.length === 0) {
      return Promise.resolve();
    }
    const text = facts.map(f => JSON.stringify(f) + '\n').join('');
    const done = this.chain.then(async () => {
      if (this.file) {
        await this.file.appendFile(text, 'utf8');
        if (syncAfterWrite) {
          await this.file.datasync();
        }
      }
      for (const f of facts) {
        this.apply(f);
      }
    });
    this.chain = done.catch(() => undefined);
    return done;
  }

  private apply(fact: Fact): void {
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
        return;
      }
      case 'vis': {
        const s = this.sessions.get(fact.s);
        if (s && isVisibility(fact.v)) {
          s.visibility = fact.v;
        }
        return;
      }
      case 'rule':
        if (isVisibility(fact.v)) {
          this.rules.set(ruleKey(fact.a, fact.n), fact.v);
        }
        return;
      default:
        throw new Error('unknown fact');
    }
  }

  private chain: Promise<void> = Promise.resolve();
  private sessions = new Map<string, SessionAccess>();
  private byAuthor = new Map<string, Set<string>>();
  private rules = new Map<string, Visibility>();
}
