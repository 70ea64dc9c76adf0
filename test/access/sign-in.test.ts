import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/access/sign-in.js';
import { createAccessService } from '../../src/access/create-access-service.js';
import { Vault, generateSecretKey } from '../../src/credentials/vault.js';
import { getUserByEmail } from '../../src/store/users-repo.js';
import { DIALECTS, testStores } from '../store/test-stores.js';
import { rejection } from '../helpers/rejection.js';
import { accessWorld, PUBLIC_URL, type AccessWorld } from './access-world.js';

const HOUR = 3600_000;

for (const dialect of DIALECTS) {
  describe(`sign-in and sessions (${dialect})`, () => {
    let world: AccessWorld;
    afterEach(async () => world?.close());

    it('creates the service administrator on first start only, in the default workspace, with a one-time link', async () => {
      world = await accessWorld(dialect);
      expect(world.admin).toMatchObject({ via: 'session', email: 'admin@example.com', isAdmin: true, workspaceId: 'default', role: 'admin', scope: 'admin' });
      expect(await world.access.bootstrap({ email: 'other@example.com' })).toBeUndefined();
      expect(await world.restart().bootstrap()).toBeUndefined();
    });

    it('creates exactly one administrator when several instances start at once', async () => {
      const stores = testStores();
      try {
        const store = await stores.open(dialect);
        const key = generateSecretKey();
        const instances = [0, 1, 2].map(() => createAccessService({ store, vault: Vault.fromKey(key), publicUrl: PUBLIC_URL }));
        const results = await Promise.all(instances.map((a) => a.bootstrap()));
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
        const users = await store.db.selectFrom('users').select('email').execute();
        expect(users).toEqual([{ email: 'admin@localhost' }]);
      } finally {
        await stores.cleanup();
      }
      world = await accessWorld(dialect);
    });

    it('puts the link token in the URL fragment and keeps only its SHA-256', async () => {
      world = await accessWorld(dialect);
      const link = await world.access.createSignInLink({ email: 'ADMIN@example.com' });
      expect(link.url).toMatch(new RegExp(`^${PUBLIC_URL}/sign-in#token=[A-Za-z0-9_-]{43}$`));
      expect(link.purpose).toBe('sign-in');
      const token = world.linkToken(link.url);
      const rows = await world.store.db.selectFrom('sign_in_links').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);
    });

    it('signs in once per link: a second use, an expired link and a replaced link are refused alike', async () => {
      world = await accessWorld(dialect);
      const first = await world.access.createSignInLink({ email: 'admin@example.com' });
      const second = await world.access.createSignInLink({ email: 'admin@example.com' });
      expect((await rejection(world.access.signIn(world.linkToken(first.url)))).code).toBe('AZDO_SIGN_IN_LINK_INVALID');
      await world.access.signIn(world.linkToken(second.url));
      expect((await rejection(world.access.signIn(world.linkToken(second.url)))).code).toBe('AZDO_SIGN_IN_LINK_INVALID');

      const third = await world.access.createSignInLink({ email: 'admin@example.com' });
      world.clock.advance(HOUR + 1);
      const expired = await rejection(world.access.signIn(world.linkToken(third.url)));
      expect(expired.code).toBe('AZDO_SIGN_IN_LINK_INVALID');
      expect(expired.message).toBe((await rejection(world.access.signIn('x'.repeat(43)))).message);
    });

    it('refuses link tokens of the wrong shape without looking them up', async () => {
      world = await accessWorld(dialect);
      for (const bad of ['', 'short', `${'a'.repeat(43)}'--`, 'a'.repeat(44)]) {
        expect((await rejection(world.access.signIn(bad))).code).toBe('AZDO_SIGN_IN_LINK_INVALID');
      }
    });

    it('keeps invitations valid for a day and re-issued links for an hour', async () => {
      world = await accessWorld(dialect);
      const { link } = await world.access.inviteMember(world.admin, { email: 'ann@example.com', role: 'member' });
      expect(Date.parse(link!.expiresAt) - world.clock.now.getTime()).toBe(24 * HOUR);
      const again = await world.access.createSignInLink({ email: 'ann@example.com' });
      expect(Date.parse(again.expiresAt) - world.clock.now.getTime()).toBe(HOUR);
    });

    it('stores sessions hashed and ends them on sign-out', async () => {
      world = await accessWorld(dialect);
      const rows = await world.store.db.selectFrom('sessions').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(world.adminSession);
      await world.access.signOut(world.adminSession);
      expect((await rejection(world.access.authenticateSession(world.adminSession))).code).toBe('AZDO_AUTH_REQUIRED');
    });

    it('ends a session after 12 idle hours, moves the end on with use, and ends it 7 days after sign-in regardless', async () => {
      world = await accessWorld(dialect);
      const { token } = await world.access.signIn(world.linkToken((await world.access.createSignInLink({ email: 'admin@example.com' })).url));
      for (let elapsed = 0; elapsed + 11 * HOUR < SESSION_MAX_MS; elapsed += 11 * HOUR) {
        world.clock.advance(11 * HOUR);
        await world.access.authenticateSession(token);
      }
      world.clock.advance(SESSION_IDLE_MS / 2);
      const ended = await rejection(world.access.authenticateSession(token));
      expect(ended.code).toBe('AZDO_AUTH_REQUIRED');
      expect(ended.message).toMatch(/expired/);

      const idle = await world.access.signIn(world.linkToken((await world.access.createSignInLink({ email: 'admin@example.com' })).url));
      world.clock.advance(SESSION_IDLE_MS + 1);
      expect((await rejection(world.access.authenticateSession(idle.token))).code).toBe('AZDO_AUTH_REQUIRED');
    });

    it('refuses unknown and malformed session tokens', async () => {
      world = await accessWorld(dialect);
      for (const bad of ['', 'nope', 'A'.repeat(43)]) {
        expect((await rejection(world.access.authenticateSession(bad))).code).toBe('AZDO_AUTH_REQUIRED');
      }
    });

    it('lets no disabled user sign in, and ends their sessions', async () => {
      world = await accessWorld(dialect);
      const ann = await world.signedInMember(world.admin, 'ann@example.com');
      const link = await world.access.createSignInLink({ email: 'ann@example.com' });
      await world.access.setUserDisabled(world.admin, ann.principal.userId, true);
      expect((await rejection(world.access.authenticateSession(ann.session))).code).toBe('AZDO_AUTH_REQUIRED');
      const refused = await rejection(world.access.signIn(world.linkToken(link.url)));
      expect(refused.code).toBe('AZDO_ACCESS_DENIED');
      expect(refused.message).toMatch(/disabled/);
      expect((await rejection(world.access.createSignInLink({ email: 'ann@example.com' }))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.setUserDisabled(ann.principal, world.admin.userId, true))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.setUserDisabled(world.admin, world.admin.userId, true))).code).toBe('AZDO_ACCESS_DENIED');
      await world.access.setUserDisabled(world.admin, ann.principal.userId, false);
      await world.access.signIn(world.linkToken((await world.access.createSignInLink({ email: 'ann@example.com' })).url));
    });

    it('refuses a link whose user was disabled after it was made', async () => {
      world = await accessWorld(dialect);
      const { member, link } = await world.access.inviteMember(world.admin, { email: 'bo@example.com', role: 'member' });
      await sql`update users set disabled_at = ${world.clock.now.toISOString()} where id = ${member.userId}`.execute(world.store.db);
      expect((await rejection(world.access.signIn(world.linkToken(link!.url)))).code).toBe('AZDO_ACCESS_DENIED');
    });

    it('derives CSRF tokens per session, the same after a restart, and checks them', async () => {
      world = await accessWorld(dialect);
      const csrf = world.access.csrfToken(world.admin);
      expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(world.restart().csrfToken(world.admin)).toBe(csrf);
      expect(world.access.verifyCsrf(world.admin, csrf)).toBe(true);
      expect(world.access.verifyCsrf(world.admin, `${csrf}x`)).toBe(false);
      expect(world.access.verifyCsrf(world.admin, '')).toBe(false);
      expect(world.access.verifyCsrf(world.admin, undefined)).toBe(false);
      const other = await world.access.authenticateSession(
        (await world.access.signIn(world.linkToken((await world.access.createSignInLink({ email: 'admin@example.com' })).url))).token,
      );
      expect(world.access.csrfToken(other)).not.toBe(csrf);
      expect(world.access.verifyCsrf(other, csrf)).toBe(false);
      // Nothing of the CSRF key is stored: a different vault key derives different tokens.
      const foreign = createAccessService({ store: world.store, vault: Vault.fromKey(generateSecretKey()), publicUrl: PUBLIC_URL });
      expect(foreign.csrfToken(world.admin)).not.toBe(csrf);
    });

    it('treats e-mail addresses without regard to case', async () => {
      world = await accessWorld(dialect);
      expect((await getUserByEmail(world.store.db, 'Admin@Example.COM'))?.email).toBe('admin@example.com');
    });
  });
}
