import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../store/test-stores.js';
import { rejection } from '../helpers/rejection.js';
import { accessWorld, type AccessWorld } from './access-world.js';

const DAY = 24 * 3600_000;

for (const dialect of DIALECTS) {
  describe(`API tokens (${dialect})`, () => {
    let world: AccessWorld;
    afterEach(async () => world?.close());

    it('shows a new token once, keeps its SHA-256 and a short prefix, and authenticates with it', async () => {
      world = await accessWorld(dialect);
      const { token, view } = await world.access.createApiToken(world.admin, { name: ' nightly sync ', scope: 'read', expiresInDays: 30 });
      expect(token).toMatch(/^azdo_[A-Za-z0-9_-]{43}$/);
      expect(view).toMatchObject({ name: 'nightly sync', scope: 'read', prefix: token.slice(0, 9), createdBy: 'admin@example.com', lastUsedAt: null, revokedAt: null });
      expect(Date.parse(view.expiresAt) - Date.parse(view.createdAt)).toBe(30 * DAY);
      const rows = await world.store.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token.slice(9));

      const principal = await world.access.authenticateToken(token);
      expect(principal).toMatchObject({ via: 'token', userId: world.admin.userId, workspaceId: 'default', scope: 'read', tokenId: view.id });
      // Confined to its workspace even when its creator administers the whole service.
      expect(principal.isAdmin).toBe(false);
      const listed = await world.access.listApiTokens(world.admin);
      expect(listed.items[0]?.lastUsedAt).toBe(world.clock.now.toISOString());
      expect(JSON.stringify(listed)).not.toContain(token);
    });

    it('refuses unknown, malformed, expired and revoked tokens, saying which', async () => {
      world = await accessWorld(dialect);
      for (const bad of ['', 'azdo_', 'Bearer x', `azdo_${'A'.repeat(43)}`, `ghp_${'A'.repeat(43)}`]) {
        expect((await rejection(world.access.authenticateToken(bad))).code).toBe('AZDO_API_TOKEN_INVALID');
      }
      const short = await world.access.createApiToken(world.admin, { name: 'short', scope: 'write', expiresInDays: 1 });
      const revoked = await world.access.createApiToken(world.admin, { name: 'revoked', scope: 'write', expiresInDays: 30 });
      const view = await world.access.revokeApiToken(world.admin, revoked.view.id);
      expect(view.revokedAt).toBe(world.clock.now.toISOString());
      expect((await rejection(world.access.authenticateToken(revoked.token))).message).toMatch(/revoked/);
      world.clock.advance(DAY);
      expect((await rejection(world.access.authenticateToken(short.token))).message).toMatch(/expired/);
      // Revoking again changes nothing.
      expect((await world.access.revokeApiToken(world.admin, revoked.view.id)).revokedAt).toBe(view.revokedAt);
    });

    it('checks name and expiry, and lets only workspace administrators manage tokens', async () => {
      world = await accessWorld(dialect);
      for (const [input, code, field] of [
        [{ name: '', scope: 'read', expiresInDays: 1 }, 'AZDO_TOKEN_NAME_INVALID', 'name'],
        [{ name: 'x'.repeat(101), scope: 'read', expiresInDays: 1 }, 'AZDO_TOKEN_NAME_INVALID', 'name'],
        [{ name: 'x', scope: 'read', expiresInDays: 0 }, 'AZDO_TOKEN_EXPIRY_INVALID', 'expiresInDays'],
        [{ name: 'x', scope: 'read', expiresInDays: 367 }, 'AZDO_TOKEN_EXPIRY_INVALID', 'expiresInDays'],
        [{ name: 'x', scope: 'read', expiresInDays: 1.5 }, 'AZDO_TOKEN_EXPIRY_INVALID', 'expiresInDays'],
        [{ name: 'x', scope: 'root', expiresInDays: 1 }, 'AZDO_SCOPE_INVALID', 'scope'],
      ] as const) {
        const error = await rejection(world.access.createApiToken(world.admin, input as never));
        expect(error.code).toBe(code);
        expect(error.details?.field).toBe(field);
      }
      const bob = await world.signedInMember(world.admin, 'bob@example.com');
      expect((await rejection(world.access.createApiToken(bob.principal, { name: 'x', scope: 'read', expiresInDays: 1 }))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.listApiTokens(bob.principal))).code).toBe('AZDO_ACCESS_DENIED');
      const { token } = await world.access.createApiToken(world.admin, { name: 'w', scope: 'write', expiresInDays: 1 });
      const writer = await world.access.authenticateToken(token);
      expect((await rejection(world.access.createApiToken(writer, { name: 'x', scope: 'read', expiresInDays: 1 }))).code).toBe('AZDO_TOKEN_SCOPE_INSUFFICIENT');
    });

    it('never lets a token do more than its creator may now', async () => {
      world = await accessWorld(dialect);
      const ann = await world.signedInMember(world.admin, 'ann@example.com', 'admin');
      const { token } = await world.access.createApiToken(ann.principal, { name: 'ann', scope: 'admin', expiresInDays: 30 });
      expect((await world.access.authenticateToken(token)).scope).toBe('admin');
      await world.access.changeMemberRole(world.admin, ann.principal.userId, 'member');
      expect((await world.access.authenticateToken(token)).scope).toBe('write');
      await world.access.changeMemberRole(world.admin, ann.principal.userId, 'admin');
      await world.access.setUserDisabled(world.admin, ann.principal.userId, true);
      expect((await rejection(world.access.authenticateToken(token))).message).toMatch(/disabled/);
      await world.access.setUserDisabled(world.admin, ann.principal.userId, false);
      await world.access.removeMember(world.admin, ann.principal.userId);
      expect((await rejection(world.access.authenticateToken(token))).message).toMatch(/revoked/);
    });

    it('lists a workspace\'s tokens newest first, page by page, and no other workspace\'s', async () => {
      world = await accessWorld(dialect);
      for (const name of ['one', 'two', 'three']) {
        await world.access.createApiToken(world.admin, { name, scope: 'read', expiresInDays: 1 });
        world.clock.advance(1000);
      }
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await world.access.listApiTokens(world.admin, { limit: 2, ...(cursor ? { cursor } : {}) });
        names.push(...page.items.map((t) => t.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(names).toEqual(['three', 'two', 'one']);

      const other = await world.access.createWorkspace(world.admin, { name: 'Other' });
      const inOther = await world.access.authenticateSession(world.adminSession, other.id);
      expect((await world.access.listApiTokens(inOther)).items).toEqual([]);
      const id = (await world.access.listApiTokens(world.admin)).items[0]!.id;
      expect((await rejection(world.access.revokeApiToken(inOther, id))).code).toBe('AZDO_TOKEN_NOT_FOUND');
      expect((await rejection(world.access.listApiTokens(world.admin, { cursor: 'garbage' }))).code).toBe('AZDO_STORE_CURSOR_INVALID');
    });
  });
}
