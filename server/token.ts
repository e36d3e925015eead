/** Where the server's bearer token comes from. */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The token: `token` when given (flag or TRAIL_TOKEN), else the content of
 * `tokenFile`, which is created with a random token (mode 0600) when it
 * does not exist. Null when neither is given.
 */
export async function resolveToken(
  token: string | undefined,
  tokenFile: string | undefined
): Promise<string | null> {
  if (token && token.trim()) {
    return token.trim();
  }
  if (!tokenFile) {
    return null;
  }
  try {
    const fromFile = (await fs.readFile(tokenFile, 'utf8')).trim();
    if (!fromFile) {
      throw new Error(`the token file ${tokenFile} is empty`);
    }
    return fromFile;
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
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return resolveToken(undefined, tokenFile);
    }
    throw err;
  }
}
