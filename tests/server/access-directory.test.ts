/**
 * The team directory and its CLI on real temp folders: users, roles, tokens
 * stored hashed, revocation seen by an open directory without a restart.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAdminCli } from '../../server/access/admin-cli';
import {
  hashToken,
  TOKEN_PREFIX,
  UserDirectory
} from '../../server/access/directory';
import { removeTempDirs, tempDir } from './support/server';

afterAll(removeTempDirs);

/** Runs the admin CLI in-process and captures what it prints. */
async function cli(dir: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCli(
    ['node', 'trail-server', ...args, '--data', dir],
    {
      out: t => out.push(t),
      err: t => err.push(t)
    }
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('UserDirectory', () => {
  it('issues tokens that authenticate as their user and stores only hashes', async () => {
    const dir = await tempDir();
    const users = await UserDirectory.open(dir);
    const alice = await users.addUser('alice', { displayName: 'Alice A.' });
    expect(alice.role).toBe('member');
    const { token, record } = await users.issueToken('alice', 'laptop');
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBeGreaterThan(40);

    expect(await users.authenticate(token)).toEqual({
      userId: alice.id,
      name: 'alice',
      displayName: 'Alice A.',
      role: 'member',
      tokenId: record.id
    });
    expect(await users.authenticate(token + 'x')).toBeNull();
    expect(await users.authenticate('not-a-token')).toBeNull();

    const file = await readFile(join(dir, 'users.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(file).not.toContain(token.slice(TOKEN_PREFIX.length));
    expect(file).toContain(hashToken(token));
  });

  it('refuses bad and duplicate names and the reserved owner name', async () => {
    const users = await UserDirectory.open(await tempDir());
    await users.addUser('bob');
    await expect(users.addUser('bob')).rejects.toThrow(/already exists/);
    await expect(users.addUser('Bob Smith')).rejects.toThrow(
      /not a valid user name/
    );
    await expect(users.addUser('owner')).rejects.toThrow(/reserved/);
    await expect(users.issueToken('nobody')).rejects.toThrow(
      /no user named "nobody"/
    );
  });

  it('sees tokens revoked and users disabled by another process without a restart', async () => {
    const dir = await tempDir();
    const server = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
    const admin = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
    await admin.addUser('carol');
    const { token } = await admin.issueToken('carol');
    // The server's directory was opened before carol existed.
    expect((await server.authenticate(token))?.name).toBe('carol');

    await admin.revokeTokens(token.slice(0, TOKEN_PREFIX.length + 6));
    expect(await server.authenticate(token)).toBeNull();

    const second = await admin.issueToken('carol', 'second');
    expect((await server.authenticate(second.token))?.name).toBe('carol');
    await admin.disableUser('carol');
    expect(await server.authenticate(second.token)).toBeNull();
    await expect(admin.issueToken('carol')).rejects.toThrow(/disabled/);
  });

  it('revokes every token of a user with user:<name>', async () => {
    const users = await UserDirectory.open(await tempDir(), {
      reloadIntervalMs: 0
    });
    await users.addUser('dan');
    const a = await users.issueToken('dan', 'a');
    const b = await users.issueToken('dan', 'b');
    const revoked = await users.revokeTokens('user:dan');
    expect(revoked.map(t => t.id).sort()).toEqual(
      [a.record.id, b.record.id].sort()
    );
    expect(await users.authenticate(a.token)).toBeNull();
    expect(await users.authenticate(b.token)).toBeNull();
  });
});

describe('trail-server users / tokens', () => {
  it('adds users, issues, lists and revokes tokens', async () => {
    const dir = await tempDir();
    expect((await cli(dir, 'users', 'list')).out).toMatch(/no users yet/);
    expect(await cli(dir, 'users', 'add', 'erin', '--admin')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/added admin "erin"/)
    });
    await cli(dir, 'users', 'add', 'frank', '--display-name', 'Frank F.');
    const listed = await cli(dir, 'users', 'list', '--json');
    expect(
      JSON.parse(listed.out).map((u: { name: string; role: string }) => [
        u.name,
        u.role
      ])
    ).toEqual([
      ['erin', 'admin'],
      ['frank', 'member']
    ]);

    const issued = await cli(dir, 'tokens', 'issue', 'frank', '--label', 'hub');
    expect(issued.code).toBe(0);
    const token = issued.out.trim();
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(issued.err).toMatch(/shown only now/);

    const tokens = await cli(dir, 'tokens', 'list', 'frank');
    expect(tokens.out).toContain('frank');
    expect(tokens.out).toContain('hub');
    expect(tokens.out).not.toContain(token);
    const json = JSON.parse((await cli(dir, 'tokens', 'list', '--json')).out);
    expect(json[0]).not.toHaveProperty('sha256');

    const users = await UserDirectory.open(dir, { reloadIntervalMs: 0 });
    expect((await users.authenticate(token))?.name).toBe('frank');
    expect((await cli(dir, 'tokens', 'revoke', json[0].id)).code).toBe(0);
    expect(await users.authenticate(token)).toBeNull();

    expect((await cli(dir, 'users', 'role', 'frank', 'admin')).code).toBe(0);
    expect(users.userByName('frank')?.role).toBe('member'); // until reloaded
    expect((await UserDirectory.open(dir)).userByName('frank')?.role).toBe(
      'admin'
    );
  });

  it('exits 1 with a clear message on a refused change and 2 on bad usage', async () => {
    const dir = await tempDir();
    const unknown = await cli(dir, 'tokens', 'issue', 'ghost');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('error: there is no user named "ghost"');
    const badRole = await cli(dir, 'users', 'role', 'ghost', 'boss');
    expect(badRole).toMatchObject({
      code: 1,
      err: expect.stringMatching(/"admin" or "member"/)
    });
    expect((await cli(dir, 'users', 'frobnicate')).code).toBe(2);
  });
});
