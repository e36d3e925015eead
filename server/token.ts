/** Where the server's bearer token comes from. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

/** The server's token, and whether it was just generated into the file. */
export interface ResolvedToken {
  token: string;
  created: boolean;
}

/**
 * The token: `token` when given (flag or TRAIL_TOKEN), else the content of
 * `tokenFile`, which is created with a random token (mode 0600) when it
 * does not exist.
 */
export async function resolveToken(
  token: string | undefined,
  tokenFile: string
): Promise<ResolvedToken> {
  if (token && token.trim()) {
    return { token: token.trim(), created: false };
  }
  try {
    const fromFile = (await fs.readFile(tokenFile, 'utf8')).trim();
    if (!fromFile) {
      throw new Error(`the token file ${tokenFile} is empty`);
    }
    return { token: fromFile, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
  const fresh = randomBytes(32).toString('base64url');
  await fs.mkdir(dirname(tokenFile), { recursive: true });
  try {
    // Exclusive create: if another process made the file meanwhile, use its.
    await fs.writeFile(tokenFile, fresh + '\n', { flag: 'wx', mode: 0o600 });
    return { token: fresh, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return resolveToken(undefined, tokenFile);
    }
    throw err;
  }
}
