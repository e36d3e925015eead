/**
 * A team server for tests: a FileStore in a real temp folder, a user
 * directory with the given people and a personal token each, and the app
 * with session ownership in access.log.
 */
import { UserDirectory, type Role } from '../../../server/access/directory';
import { TeamAccess } from '../../../server/access/team';
import { createApp, runtimeOf } from '../../../server/app';
import { FileStore } from '../../../server/store/file-store';
import { tempDir, TOKEN } from './server';

/** One person of a test team. */
export interface TeamMemberFixture {
  id: string;
  token: string;
}

/** A running team app. */
export interface TeamApp {
  app: ReturnType<typeof createApp>;
  store: FileStore;
  directory: UserDirectory;
  people: Record<string, TeamMemberFixture>;
  close(): Promise<void>;
}

/** Opens a team app with `people` (name → role, display name). */
export async function openTeamApp(
  people: Record<string, { role?: Role; displayName?: string }>
): Promise<TeamApp> {
  const dir = await tempDir();
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
  const owner = {
    userId: 'owner',
    name: 'owner',
    displayName: 'Owner',
    role: 'admin' as const,
    tokenId: null
  };
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
