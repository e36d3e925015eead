/**
 * A team server for tests: the backend under test (support/backend.ts) —
 * a FileStore in a real temp folder with users.json and session ownership
 * in access.log, or PostgreSQL (people and ownership in the database) with
 * blobs in S3 — with the given people and a personal token each, and the
 * app.
 */
import { UserDirectory, type Role } from '../../../server/access/directory';
import { TeamAccess } from '../../../server/access/team';
import { createApp, runtimeOf } from '../../../server/app';
import { backendDeps } from '../../../server/backend';
import { FileStore } from '../../../server/store/file-store';
import type { TrailStore } from '../../../server/store/types';
import {
  onPostgres,
  openPlaceBackend,
  placeOf,
  writableDirectory
} from './backend';
import { tempDir, TOKEN } from './server';

/** One person of a test team. */
export interface TeamMemberFixture {
  id: string;
  token: string;
}

/**
 * A running team app. On PostgreSQL `store` and `directory` are the
 * database backend's (their contract's members and the directory's
 * writes: addUser, issueToken, revokeTokens).
 */
export interface TeamApp {
  app: ReturnType<typeof createApp>;
  store: FileStore;
  directory: UserDirectory;
  people: Record<string, TeamMemberFixture>;
  close(): Promise<void>;
}

/** The principal of the owner token of every team app. */
const owner = {
  userId: 'owner',
  name: 'owner',
  displayName: 'Owner',
  role: 'admin' as const,
  tokenId: null
};

/** Opens a team app with `people` (name → role, display name). */
export async function openTeamApp(
  people: Record<string, { role?: Role; displayName?: string }>
): Promise<TeamApp> {
  const dir = await tempDir();
  if (onPostgres) {
    return openPostgresTeamApp(dir, people);
  }
  const directory = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
  const members: Record<string, TeamMemberFixture> = {};
  for (const [name, options] of Object.entries(people)) {
    const user = await directory.addUser(name, options);
    members[name] = {
      id: user.id,
      token: (await directory.issueToken(name)).token
    };
  }
  const store = await FileStore.open(dir, {
    warnings: { warn: () => undefined }
  });
  const access = await TeamAccess.open({
    dataDir: dir,
    store,
    directory,
    owner
  });
  const app = createApp({
    store,
    token: TOKEN,
    owner,
    directory,
    access,
    log: { error: () => undefined }
  });
  return {
    app,
    store,
    directory,
    people: members,
    close: async () => {
      runtimeOf(app).close();
      await store.close();
    }
  };
}

/** {@link openTeamApp} on PostgreSQL (through server/backend.ts). */
async function openPostgresTeamApp(
  dir: string,
  people: Record<string, { role?: Role; displayName?: string }>
): Promise<TeamApp> {
  const backend = await openPlaceBackend(await placeOf(dir), owner);
  try {
    const directory = writableDirectory(backend);
    const members: Record<string, TeamMemberFixture> = {};
    for (const [name, options] of Object.entries(people)) {
      const user = await directory.addUser(name, options);
      members[name] = {
        id: user.id,
        token: (await directory.issueToken(name)).token
      };
    }
    const app = createApp({
      ...backendDeps(backend),
      token: TOKEN,
      owner,
      log: { error: () => undefined }
    });
    await backend.attach(runtimeOf(app));
    let closing: Promise<void> | null = null;
    return {
      app,
      store: backend.store as TrailStore as FileStore,
      directory: directory as unknown as UserDirectory,
      people: members,
      close: () =>
        (closing ??= (async () => {
          runtimeOf(app).close();
          await backend.close();
        })())
    };
  } catch (err) {
    await backend.close();
    throw err;
  }
}
