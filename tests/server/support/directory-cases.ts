/**
 * The team directory's behaviour, written once and run against each place
 * a directory lives (users.json in access-directory.test.ts, PostgreSQL in
 * postgres/access-directory.test.ts): users and tokens through the
 * directory, through a second one on the same place (another process or
 * server), and through the admin CLI given that place.
 */
import { runAdminCli } from '../../../server/access/admin-cli';
import {
  hashToken,
  TOKEN_PREFIX,
  type Principal
} from '../../../server/access/directory';
import type { DirectoryWriter } from '../../../server/access/directory-writer';
import type { TeamDirectory } from '../../../server/access/team-directory';

/** A directory the cases drive: it reads, authenticates and writes. */
export type TestDirectory = TeamDirectory & DirectoryWriter;

/** One place directories live, made anew for each case. */
export interface DirectoryPlace {
  /** Opens a directory on the place (each call: another process's view). */
  open(): Promise<TestDirectory>;
  /** Brings `directory`'s users up to date with the place. */
  refresh(directory: TestDirectory): Promise<TestDirectory>;
  /** The admin CLI's arguments that name the place. */
  cliArgs: string[];
  /** Everything the place stores of the team, as text. */
  storedText(): Promise<string>;
}

/** Runs the admin CLI in-process and captures what it prints. */
export async function cli(place: DirectoryPlace, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAdminCli(
    ['node', 'trail-server', ...args, ...place.cliArgs],
    {
      out: t => out.push(t),
      err: t => err.push(t)
    }
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The cases; `newPlace` makes an empty place for each. */
export function describeDirectory(
  name: string,
  newPlace: () => Promise<DirectoryPlace>
): void {
  describe(`${name}: the directory`, () => {
    it('issues tokens that authenticate as their user and stores only hashes', async () => {
      const place = await newPlace();
      const users = await place.open();
      const alice = await users.addUser('alice', { displayName: 'Alice A.' });
      expect(alice.role).toBe('member');
      const { token, record } = await users.issueToken('alice', 'laptop');
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(token.length).toBeGreaterThan(40);

      expect(await users.authenticate(token)).toEqual<Principal>({
        userId: alice.id,
        name: 'alice',
        displayName: 'Alice A.',
        role: 'member',
        tokenId: record.id
      });
      expect(await users.authenticate(token + 'x')).toBeNull();
      expect(await users.authenticate('not-a-token')).toBeNull();
      expect(await users.listTokens()).toEqual([record]);
      expect(users.userByName('alice')).toEqual(alice);
      expect(users.userById(alice.id)).toEqual(alice);

      const stored = await place.storedText();
      expect(stored).not.toContain(token);
      expect(stored).not.toContain(token.slice(TOKEN_PREFIX.length));
      expect(stored).toContain(hashToken(token));
    });

    it('refuses bad and duplicate names and the reserved owner name', async () => {
      const users = await (await newPlace()).open();
      await users.addUser('bob');
      await expect(users.addUser('bob')).rejects.toThrow(/already exists/);
      await expect(users.addUser('Bob Smith')).rejects.toThrow(
        /not a valid user name/
      );
      await expect(users.addUser('owner')).rejects.toThrow(/reserved/);
      await expect(users.issueToken('nobody')).rejects.toThrow(
        /no user named "nobody"/
      );
      await expect(users.setRole('nobody', 'admin')).rejects.toThrow(
        /no user named "nobody"/
      );
      expect((await users.setRole('bob', 'admin')).role).toBe('admin');
      expect(users.userByName('bob')?.role).toBe('admin');
    });

    it('sees tokens issued, revoked and users disabled through another directory at once', async () => {
      const place = await newPlace();
      const server = await place.open();
      const admin = await place.open();
      const carol = await admin.addUser('carol');
      const { token, record } = await admin.issueToken('carol');
      // The server's directory was opened before carol existed.
      expect((await server.authenticate(token))?.name).toBe('carol');
      expect((await place.refresh(server)).userById(carol.id)?.name).toBe(
        'carol'
      );

      const revoked = await admin.revokeTokens(
        token.slice(0, TOKEN_PREFIX.length + 6)
      );
      expect(revoked.map(t => t.id)).toEqual([record.id]);
      expect(await server.authenticate(token)).toBeNull();
      expect(await admin.revokeTokens(record.id)).toEqual([]);
      await expect(admin.revokeTokens('zzzzzz')).rejects.toThrow(
        /no token matches/
      );

      const second = await admin.issueToken('carol', 'second');
      expect((await server.authenticate(second.token))?.name).toBe('carol');
      await admin.disableUser('carol');
      expect(await server.authenticate(second.token)).toBeNull();
      await expect(admin.issueToken('carol')).rejects.toThrow(/disabled/);
      const disabledAt = (await place.refresh(server)).userById(
        carol.id
      )?.disabledAt;
      expect(disabledAt).toEqual(expect.any(String));
      // Disabling twice keeps the first time.
      expect((await admin.disableUser('carol')).disabledAt).toBe(disabledAt);
    });

    it('revokes every token of a user with user:<name>', async () => {
      const users = await (await newPlace()).open();
      await users.addUser('dan');
      const a = await users.issueToken('dan', 'a');
      const b = await users.issueToken('dan', 'b');
      const revoked = await users.revokeTokens('user:dan');
      expect(revoked.map(t => t.id).sort()).toEqual(
        [a.record.id, b.record.id].sort()
      );
      expect(await users.authenticate(a.token)).toBeNull();
      expect(await users.authenticate(b.token)).toBeNull();
      await expect(users.revokeTokens('user:nobody')).rejects.toThrow(
        /no user named "nobody"/
      );
    });
  });

  describe(`${name}: trail-server users / tokens`, () => {
    it('adds users, issues, lists and revokes tokens', async () => {
      const place = await newPlace();
      expect((await cli(place, 'users', 'list')).out).toMatch(/no users yet/);
      expect(await cli(place, 'users', 'add', 'erin', '--admin')).toMatchObject(
        { code: 0, out: expect.stringMatching(/added admin "erin"/) }
      );
      await cli(place, 'users', 'add', 'frank', '--display-name', 'Frank F.');
      const listed = await cli(place, 'users', 'list', '--json');
      expect(
        JSON.parse(listed.out).map((u: { name: string; role: string }) => [
          u.name,
          u.role
        ])
      ).toEqual([
        ['erin', 'admin'],
        ['frank', 'member']
      ]);
      expect((await cli(place, 'users', 'list')).out).toMatch(
        /frank\s+member\s+active\s+Frank F\./
      );

      const issued = await cli(
        place,
        'tokens',
        'issue',
        'frank',
        '--label',
        'hub'
      );
      expect(issued.code).toBe(0);
      const token = issued.out.trim();
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(issued.err).toMatch(/shown only now/);

      const tokens = await cli(place, 'tokens', 'list', 'frank');
      expect(tokens.out).toMatch(/frank\s+trl_\S+…\s+active\s+hub/);
      expect(tokens.out).not.toContain(token);
      const json = JSON.parse(
        (await cli(place, 'tokens', 'list', '--json')).out
      );
      expect(json).toHaveLength(1);
      expect(json[0]).not.toHaveProperty('sha256');

      const users = await place.open();
      expect((await users.authenticate(token))?.name).toBe('frank');
      expect((await cli(place, 'tokens', 'revoke', json[0].id)).out).toBe(
        `revoked ${json[0].id}`
      );
      expect(await users.authenticate(token)).toBeNull();
      expect((await cli(place, 'tokens', 'revoke', json[0].id)).out).toBe(
        'already revoked'
      );

      expect((await cli(place, 'users', 'role', 'frank', 'admin')).code).toBe(
        0
      );
      expect((await place.refresh(users)).userByName('frank')?.role).toBe(
        'admin'
      );
      expect((await cli(place, 'users', 'disable', 'frank')).out).toBe(
        'disabled "frank"'
      );
    });

    it('exits 1 with a clear message on a refused change and 2 on bad usage', async () => {
      const place = await newPlace();
      const unknown = await cli(place, 'tokens', 'issue', 'ghost');
      expect(unknown.code).toBe(1);
      expect(unknown.err).toBe('error: there is no user named "ghost"');
      const badRole = await cli(place, 'users', 'role', 'ghost', 'boss');
      expect(badRole).toMatchObject({
        code: 1,
        err: expect.stringMatching(/"admin" or "member"/)
      });
      await cli(place, 'users', 'add', 'gail');
      const taken = await cli(place, 'users', 'add', 'gail');
      expect(taken).toMatchObject({
        code: 1,
        err: 'error: a user named "gail" already exists'
      });
      expect((await cli(place, 'users', 'frobnicate')).code).toBe(2);
    });
  });
}
