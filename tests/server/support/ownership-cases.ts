/**
 * Session ownership's behaviour (claims, visibility, notebook rules, late
 * notebook paths, aliases), written once and run against each keeper of
 * the facts: access.log (OwnershipStore, access-ownership.test.ts) and
 * PostgreSQL (PgOwnership, postgres/access-ownership.test.ts).
 */
import { aliasId } from '../../../server/access/aliases';
import type { VisibilityChange } from '../../../server/access/ownership';
import type { Visibility } from '../../../server/access/policy';
import {
  ACCESS_CHANGED,
  type SessionOwnership
} from '../../../server/access/session-ownership';

/** One place the facts live, made anew for each case. */
export interface OwnershipPlace {
  /** Opens the ownership of the place (after the last one was closed). */
  open(): Promise<SessionOwnership>;
}

/** A claim of `sessionId` by `authorId`. */
export const claim = (
  sessionId: string,
  authorId: string,
  notebookPath: string | null = 'a.ipynb',
  visibility?: Visibility
) => ({ sessionId, authorId, notebookPath, visibility });

/** The cases; `newPlace` makes an empty place for each. */
export function describeOwnership(
  name: string,
  newPlace: () => Promise<OwnershipPlace>
): void {
  describe(`${name}: session ownership`, () => {
    it('claims once (the first owner wins) and keeps it across a reopen', async () => {
      const place = await newPlace();
      const one = await place.open();
      await one.claim([claim('s1', 'alice'), claim('s1', 'bob')]);
      await one.claim([claim('s1', 'bob')]);
      await one.claim([claim('s2', 'alice', 'b.ipynb', 'private')]);
      expect(one.session('s1')).toEqual({
        authorId: 'alice',
        visibility: 'team',
        notebookPath: 'a.ipynb'
      });
      expect(one.privateSessions()).toEqual(new Map([['s2', 'alice']]));
      expect(one.sessionsOf('alice').sort()).toEqual(['s1', 's2']);
      expect(one.sessionsOf('bob')).toEqual([]);
      await one.close();

      const again = await place.open();
      expect(again.session('s1')?.authorId).toBe('alice');
      expect(again.session('s2')?.visibility).toBe('private');
      expect(again.privateSessions().get('s2')).toBe('alice');
      await again.close();
    });

    it('lets the first of two claims made at once win, failing another person’s so it is decided again', async () => {
      const place = await newPlace();
      const one = await place.open();
      const [first, second] = await Promise.allSettled([
        one.claim([claim('race', 'ivy')]),
        one.claim([claim('race', 'jon'), claim('free', 'jon')])
      ]);
      expect(first.status).toBe('fulfilled');
      expect((second as PromiseRejectedResult).reason).toMatchObject({
        status: 503,
        code: ACCESS_CHANGED
      });
      expect(one.session('race')?.authorId).toBe('ivy');
      // Nothing of the failed claim was written.
      expect(one.session('free')).toBeUndefined();
      // The same person's claims at once are no conflict.
      await Promise.all([
        one.claim([claim('same', 'kim')]),
        one.claim([claim('same', 'kim')])
      ]);
      expect(one.sessionsOf('kim')).toEqual(['same']);
      await one.close();
      const again = await place.open();
      expect(again.session('race')?.authorId).toBe('ivy');
      expect(again.session('free')).toBeUndefined();
      await again.close();
    });

    it('sets visibility, refuses unknown sessions, and tells listeners once durable', async () => {
      const place = await newPlace();
      const one = await place.open();
      await one.claim([claim('v1', 'carol', 'v.ipynb')]);
      const heard: VisibilityChange[][] = [];
      const stop = one.onVisibilityChange(changes => heard.push(changes));
      const version = one.version;
      await one.setVisibility('v1', 'private', 'carol');
      expect(one.session('v1')?.visibility).toBe('private');
      expect(one.privateSessions().get('v1')).toBe('carol');
      if (version !== undefined) {
        expect(one.version).toBeGreaterThan(version);
      }
      expect(heard).toEqual([
        [
          expect.objectContaining({
            sessionId: 'v1',
            notebookPath: 'v.ipynb',
            authorId: 'carol',
            from: 'team',
            to: 'private'
          })
        ]
      ]);
      // The same visibility again changes nothing a listener hears of.
      await one.setVisibility('v1', 'private', 'carol');
      expect(heard).toHaveLength(1);
      stop();
      await one.setVisibility('v1', 'team', 'carol');
      expect(heard).toHaveLength(1);
      expect(one.privateSessions().has('v1')).toBe(false);
      await expect(one.setVisibility('nope', 'team', 'carol')).rejects.toThrow(
        /unknown session/
      );
      await one.close();
      const again = await place.open();
      expect(again.session('v1')?.visibility).toBe('team');
      await again.close();
    });

    it('applies notebook rules to existing and new sessions', async () => {
      const place = await newPlace();
      const one = await place.open();
      await one.claim([
        claim('r1', 'dan', 'r.ipynb'),
        claim('r2', 'dan', 'r.ipynb'),
        claim('r3', 'dan', 'other.ipynb'),
        claim('r4', 'erin', 'r.ipynb')
      ]);
      const heard: VisibilityChange[] = [];
      one.onVisibilityChange(changes => heard.push(...changes));
      expect(await one.setNotebookRule('dan', 'r.ipynb', 'private')).toBe(2);
      expect(heard.map(c => c.sessionId).sort()).toEqual(['r1', 'r2']);
      expect(one.rule('dan', 'r.ipynb')).toBe('private');
      expect(one.rule('erin', 'r.ipynb')).toBeUndefined();
      expect(one.session('r3')?.visibility).toBe('team');
      expect(one.session('r4')?.visibility).toBe('team');
      await one.claim([claim('r5', 'dan', 'r.ipynb')]);
      expect(one.session('r5')?.visibility).toBe('private');
      // What the session.started asks wins over the rule.
      await one.claim([claim('r6', 'dan', 'r.ipynb', 'team')]);
      expect(one.session('r6')?.visibility).toBe('team');
      expect(await one.setNotebookRule('dan', 'r.ipynb', 'private')).toBe(1);
      await one.close();
      const again = await place.open();
      expect(again.rule('dan', 'r.ipynb')).toBe('private');
      expect(again.session('r6')?.visibility).toBe('private');
      await again.close();
    });

    it('notes a notebook path learnt after the claim, once', async () => {
      const place = await newPlace();
      const one = await place.open();
      await one.claim([claim('p1', 'fay', null)]);
      expect(one.session('p1')?.notebookPath).toBeNull();
      one.notePath('p1', 'late.ipynb');
      one.notePath('p1', 'later.ipynb');
      one.notePath('unknown', 'x.ipynb');
      expect(one.session('p1')?.notebookPath).toBe('late.ipynb');
      expect(one.session('unknown')).toBeUndefined();
      expect(await one.setNotebookRule('fay', 'late.ipynb', 'private')).toBe(1);
      await one.close();
    });

    it('keeps aliases, each internal id once, written with their claims', async () => {
      const place = await newPlace();
      const one = await place.open();
      const alias = {
        kind: 'session' as const,
        publicId: 'shared',
        authorId: 'gil',
        internalId: aliasId('session', 'shared', 'gil')
      };
      expect(one.aliases.size).toBe(0);
      await one.claim([claim(alias.internalId, 'gil')], [alias]);
      await one.claim([], [alias]);
      expect(one.aliases.size).toBe(1);
      expect(one.aliases.of('session', 'shared')).toEqual([alias]);
      expect(one.session(alias.internalId)?.authorId).toBe('gil');
      await one.close();
      const again = await place.open();
      expect(again.aliases.own('session', 'shared', 'gil')).toEqual(alias);
      expect(again.aliases.publicId(alias.internalId)).toBe('shared');
      await again.close();
    });
  });
}
