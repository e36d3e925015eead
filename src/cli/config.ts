/**
 * Which Trail server `trail` talks to, configured like the extension
 * (jupyterlab_trail/extension.py): `TRAIL_URL` with `TRAIL_TOKEN` or
 * `TRAIL_TOKEN_FILE`, else the local server of `TRAIL_DATA_DIR`, found
 * running or started.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { TrailClient } from '../client';
import { CliError } from './exit-codes';
import { localServer } from './local-server';

/** The Trail server this run records to; `close()` stops a server it started. */
export interface TrailConnection {
  client: TrailClient;
  url: string;
  /** Its API token (handed to what records to it, e.g. a verified pipeline's run). */
  token: string;
  /** `environment` (TRAIL_URL) or `local`. */
  source: 'environment' | 'local';
  close(): Promise<void>;
}

/** `TRAIL_TOKEN`, else the content of the file `TRAIL_TOKEN_FILE` names. */
export function tokenFromEnvironment(env: NodeJS.ProcessEnv): string {
  const token = env.TRAIL_TOKEN?.trim();
  if (token) {
    return token;
  }
  const file = env.TRAIL_TOKEN_FILE?.trim();
  if (!file) {
    return '';
  }
  const path = file.replace(/^~(?=$|\/)/, () => homedir());
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new CliError(
      `Cannot read TRAIL_TOKEN_FILE ${file}: ${(error as Error).message}`
    );
  }
}

/**
 * Connects to the configured Trail server and checks that it answers and
 * speaks this client's API version.
 */
export async function connect(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void
): Promise<TrailConnection> {
  let url = env.TRAIL_URL?.trim().replace(/\/+$/, '') ?? '';
  let token: string;
  let close = async () => undefined as void;
  const source = url ? 'environment' : 'local';
  if (url) {
    token = tokenFromEnvironment(env);
    if (!token) {
      throw new CliError(
        `TRAIL_URL is set (${url}) but no token is: set TRAIL_TOKEN or TRAIL_TOKEN_FILE.`
      );
    }
    log(`Trail server: ${url} (TRAIL_URL)`);
  } else {
    const local = await localServer(env, log);
    url = local.url;
    token = local.token;
    close = local.stop;
  }
  const client = new TrailClient({ baseUrl: url, token, timeoutMs: 60000 });
  try {
    const problem = await client.checkCompatibility();
    if (problem) {
      throw new CliError(problem);
    }
    // The version answer needs no token: ask for one that does.
    await client.getMe();
  } catch (error) {
    await close();
    if (error instanceof CliError) {
      throw error;
    }
    throw new CliError(
      `The Trail server at ${url} cannot be used: ${(error as Error).message}`
    );
  }
  return { client, url, token, source, close };
}
