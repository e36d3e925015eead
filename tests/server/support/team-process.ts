/**
 * A team server as a real process (the CLI, server/dist): a data folder
 * (on the PostgreSQL test backend, its database and bucket: support/
 * backend.ts) with the given people and a personal token each, and fetch
 * helpers that call the API as one of them.
 */
import { UserDirectory, type Role } from '../../../server/access/directory';
import {
  onPostgres,
  openPlaceBackend,
  placeOf,
  writableDirectory
} from './backend';
import { startServer, type RunningServer } from './process';
import { tempDir } from './server';

/** The owner token of every team process. */
export const OWNER_TOKEN = 'owner-token-0123456789abcdef';

/** A person of a team process. */
export interface ProcessMember {
  id: string;
  token: string;
}

/** A running team server process. */
export interface TeamProcess {
  dir: string;
  server: RunningServer;
  people: Record<string, ProcessMember>;
  /** Calls the API as `token`; answers the status and the parsed body. */
  call(
    token: string,
    method: string,
    path: string,
    body?: unknown
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * Starts the server CLI on a fresh data folder with these people (name →
 * role); `env` is added to the server's environment (TRAIL_PYTHON, ...).
 */
export async function startTeamProcess(
  roles: Record<string, Role>,
  env: NodeJS.ProcessEnv = {}
): Promise<TeamProcess> {
  const dir = await tempDir();
  const people = await addPeople(dir, roles);
  const server = await startServer(dir, OWNER_TOKEN, env);
  return {
    dir,
    server,
    people,
    call: async (token, method, path, body) => {
      const res = await server.call(token, method, path, body);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop: server.stop
  };
}

/**
 * Adds these people (name → role) with a personal token each where the
 * server of `dir` will read them: users.json in the folder, or the tables
 * of its database (through the backend, opened and closed again).
 */
async function addPeople(
  dir: string,
  roles: Record<string, Role>
): Promise<Record<string, ProcessMember>> {
  const people: Record<string, ProcessMember> = {};
  const add = async (directory: {
    addUser(name: string, o: { role: Role }): Promise<{ id: string }>;
    issueToken(name: string): Promise<{ token: string }>;
  }) => {
    for (const [name, role] of Object.entries(roles)) {
      const user = await directory.addUser(name, { role });
      people[name] = {
        id: user.id,
        token: (await directory.issueToken(name)).token
      };
    }
  };
  if (!onPostgres) {
    await add(await UserDirectory.open(dir, { reloadIntervalMs: 0 }));
    return people;
  }
  const backend = await openPlaceBackend(await placeOf(dir), {
    userId: 'owner',
    name: 'owner',
    displayName: 'Owner',
    role: 'admin',
    tokenId: null
  });
  try {
    await add(writableDirectory(backend));
  } finally {
    await backend.close();
  }
  return people;
}
