/**
 * A data folder as one end of a transfer: the file store, access.log and
 * users.json, under the folder's lock, so that no server writes it while a
 * transfer reads or fills it (a server running on it is named, not waited
 * for).
 */
import { createReadStream, promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { frame, readFacts, type Fact } from '../access/access-log';
import type {
  DirectoryData,
  TokenRecord,
  UserRecord
} from '../access/directory';
import { DataLock } from '../data-lock';
import { FileStore } from '../store/file-store';
import {
  hasHash,
  TransferError,
  type HistoryEnd,
  type People,
  type PeopleAdded
} from './history-end';

/** Options of {@link openFileEnd}. */
export interface FileEndOptions {
  /** Whether the folder may be new (a target); a source must hold a history. */
  create: boolean;
}

/** Opens the data folder `dir` as a transfer end (see the module comment). */
export async function openFileEnd(
  dir: string,
  options: FileEndOptions
): Promise<HistoryEnd> {
  const dataDir = resolve(dir);
  if (!options.create) {
    const held = await Promise.all(
      ['log', 'meta.json', 'access.log', 'users.json'].map(name =>
        fs.stat(join(dataDir, name)).then(
          () => true,
          () => false
        )
      )
    );
    if (!held.some(Boolean)) {
      throw new TransferError(`${dataDir} holds no Trail data`);
    }
  }
  await fs.mkdir(dataDir, { recursive: true });
  const lock = await DataLock.acquire(dataDir);
  if (!(lock instanceof DataLock)) {
    throw new TransferError(
      `a Trail server (pid ${lock.heldBy}) is running on ${dataDir}: stop it first`
    );
  }
  try {
    const store = await FileStore.open(dataDir);
    return new FileEnd(dataDir, store, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

class FileEnd implements HistoryEnd {
  readonly kind = 'file';

  constructor(
    readonly where: string,
    readonly store: FileStore,
    private readonly lock: DataLock
  ) {}

  private get accessLog(): string {
    return join(this.where, 'access.log');
  }

  private get usersFile(): string {
    return join(this.where, 'users.json');
  }

  async counts(): Promise<{ sessions: number; executions: number }> {
    return {
      sessions: this.store.sessionCount,
      executions: this.store.executionCount
    };
  }

  /** The facts of access.log, a line at a time (damaged lines skipped). */
  async *facts(): AsyncIterable<Fact> {
    let stream;
    try {
      await fs.access(this.accessLog);
      stream = createReadStream(this.accessLog);
    } catch {
      return;
    }
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    for await (const line of lines) {
      yield* readFacts(Buffer.from(`${line}\n`, 'utf8'));
    }
  }

  async people(): Promise<{ users: UserRecord[]; tokens: TokenRecord[] }> {
    const data = await this.readUsers();
    return { users: data.users, tokens: data.tokens };
  }

  async appendFacts(facts: Fact[]): Promise<void> {
    if (facts.length === 0) {
      return;
    }
    const handle = await fs.open(this.accessLog, 'a');
    try {
      await handle.writeFile(facts.map(frame).join(''));
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  async addPeople(people: People): Promise<PeopleAdded> {
    const data = await this.readUsers();
    const added: PeopleAdded = { users: 0, tokens: 0, tokensWithoutHash: 0 };
    const ids = new Set(data.users.map(u => u.id));
    for (const user of people.users) {
      if (ids.has(user.id)) {
        continue;
      }
      const other = data.users.find(u => u.name === user.name);
      if (other) {
        throw new TransferError(
          `user "${user.name}" (${user.id}) cannot be added to ${this.where}: ` +
            `a user of that name with another id (${other.id}) is there`
        );
      }
      data.users.push(user);
      ids.add(user.id);
      added.users++;
    }
    const tokenIds = new Set(data.tokens.map(t => t.id));
    for (const token of people.tokens) {
      if (!hasHash(token)) {
        added.tokensWithoutHash++;
      } else if (!tokenIds.has(token.id)) {
        data.tokens.push(token);
        tokenIds.add(token.id);
        added.tokens++;
      }
    }
    if (added.users + added.tokens > 0) {
      await this.writeUsers(data);
    }
    return added;
  }

  async close(): Promise<void> {
    try {
      await this.store.close();
    } finally {
      await this.lock.release();
    }
  }

  private async readUsers(): Promise<DirectoryData> {
    let text: string;
    try {
      text = await fs.readFile(this.usersFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return { formatVersion: 1, users: [], tokens: [] };
      }
      throw err;
    }
    const data = JSON.parse(text) as DirectoryData | null;
    return {
      formatVersion: 1,
      users: data?.users ?? [],
      tokens: data?.tokens ?? []
    };
  }

  /** Replaces users.json durably (a temporary file renamed over it). */
  private async writeUsers(data: DirectoryData): Promise<void> {
    const tmp = `${this.usersFile}.${process.pid}.tmp`;
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(data, null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.usersFile);
  }
}
