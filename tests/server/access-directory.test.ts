/**
 * The team directory and its CLI on real temp folders (users.json): the
 * cases every directory passes (support/directory-cases.ts), and what is
 * users.json's own: a server's copy is read again when the file changes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserDirectory } from '../../server/access/directory';
import { describeDirectory } from './support/directory-cases';
import { removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

describeDirectory('users.json', async () => {
  const dir = await tempDir();
  return {
    open: () => UserDirectory.open(dir, { reloadIntervalMs: 0 }),
    // A directory reads the file again on its next authentication.
    refresh: async directory => {
      await directory.authenticate('');
      return directory;
    },
    cliArgs: ['--data', dir],
    storedText: () => readFile(join(dir, 'users.json'), 'utf8')
  };
});

describe('UserDirectory', () => {
  it('reads users.json again only once it changed, at most every reloadIntervalMs', async () => {
    const dir = await tempDir();
    const server = await UserDirectory.open(dir, { reloadIntervalMs: 60_000 });
    const admin = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
    await admin.addUser('hana');
    const { token } = await admin.issueToken('hana');
    // Checked at open: the next check is a minute away.
    expect(await server.authenticate(token)).toBeNull();
    expect((await UserDirectory.open(dir)).userByName('hana')).toBeDefined();
  });
});
