// The principals of tokens and sessions are reused for a few seconds: a change of access made through an instance
// counts on it at once, other instances see it within PRINCIPAL_CACHE_MS, and nothing outlives its token or session.
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessService, PRINCIPAL_CACHE_MS } from '../../src/access/create-access-service.js';
import { PrincipalCache } from '../../src/access/principal-cache.js';
import { rejection } from '../helpers/rejection.js';
import { DIALECTS } from '../store/test-stores.js';
import { accessWorld, PUBLIC_URL, type AccessWorld } from './access-world.js';

const DAY = 24 * 3600_000;

for (const dialect of DIALECTS) {
  describe(`principal cache (${dialect})`, () => {
    let world: AccessWorld;
    afterEach(async () => world?.close());

    it('takes a revoked token, an ended session and a removed member at once on this instance', async () => {
      world = await accessWorld(dialect);
      const bob = await world.signedInMember(world.admin, 'bob@example.com', 'admin');
      const { token, view } = await world.access.createApiToken(bob.principal, { name: 'bob', scope: 'admin', expiresInDays: 30 });
      expect((await world.access.authenticateToken(token)).scope).toBe('admin');
      expect((await world.access.authenticateSession(bob.session)).role).toBe('admin');

      await world.access.changeMemberRole(world.admin, bob.principal.userId, 'member');
      expect((await world.access.authenticateToken(token)).scope).toBe('write');
      expect((await world.access.authenticateSession(bob.session)).role).toBe('member');

      await world.access.revokeApiToken(world.admin, view.id);
      expect((await rejection(world.access.authenticateToken(token))).message).toMatch(/revoked/);

      await world.access.removeMember(world.admin, bob.principal.userId);
      expect((await rejection(world.access.authenticateSession(bob.session))).code).toBe('AZDO_ACCESS_DENIED');

      await world.access.signOut(world.adminSession);
      expect((await rejection(world.access.authenticateSession(world.adminSession))).code).toBe('AZDO_AUTH_REQUIRED');
    });

    it('lets another instance see a change within PRINCIPAL_CACHE_MS', async () => {
      world = await accessWorld(dialect);
      const other = world.restart();
      const bob = await world.signedInMember(world.admin, 'bob@example.com');
      const { token, view } = await world.access.createApiToken(world.admin, { name: 'script', scope: 'write', expiresInDays: 30 });
      await other.authenticateToken(token);
      await other.authenticateSession(bob.session);

      await world.access.revokeApiToken(world.admin, view.id);
      await world.access.setUserDisabled(world.admin, bob.principal.userId, true);
      // The other instance was not told: it keeps what it saw until its entries run out, and no longer.
      expect((await other.authenticateToken(token)).tokenId).toBe(view.id);
      expect((await other.authenticateSession(bob.session)).userId).toBe(bob.principal.userId);
      world.clock.advance(PRINCIPAL_CACHE_MS);
      expect((await rejection(other.authenticateToken(token))).message).toMatch(/revoked/);
      expect((await rejection(other.authenticateSession(bob.session))).code).toBe('AZDO_AUTH_REQUIRED');
    });

    it('keeps no principal past its token\'s or session\'s end', async () => {
      world = await accessWorld(dialect);
      const { token } = await world.access.createApiToken(world.admin, { name: 'short', scope: 'read', expiresInDays: 1 });
      world.clock.advance(DAY - 1000);
      await world.access.authenticateToken(token);
      world.clock.advance(1000);
      expect((await rejection(world.access.authenticateToken(token))).message).toMatch(/expired/);
    });

    it('looks up every time when turned off', async () => {
      world = await accessWorld(dialect);
      const uncached = createAccessService({ store: world.store, vault: world.vault, publicUrl: PUBLIC_URL, now: () => world.clock.now, principalCacheMs: 0 });
      const { token, view } = await world.access.createApiToken(world.admin, { name: 'script', scope: 'write', expiresInDays: 30 });
      await uncached.authenticateToken(token);
      await world.access.revokeApiToken(world.admin, view.id);
      expect((await rejection(uncached.authenticateToken(token))).message).toMatch(/revoked/);
    });
  });
}

describe('PrincipalCache', () => {
  const principal = { via: 'token' as const, userId: 'u1', email: 'a@x', isAdmin: false, workspaceId: 'w', role: 'member' as const, scope: 'read' as const, tokenId: 't1' };

  it('hands out copies, drops the oldest entries beyond its size, and keeps nothing read before a change', () => {
    let now = 1_000_000;
    const cache = new PrincipalCache({ ttlMs: 5000, now: () => new Date(now), maxEntries: 2 });
    const far = new Date(now + DAY).toISOString();
    cache.set('a', principal, far, cache.generation);
    const copy = cache.get('a')!;
    copy.scope = 'admin';
    expect(cache.get('a')?.scope).toBe('read');
    cache.set('b', principal, far, cache.generation);
    cache.set('c', principal, far, cache.generation);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(2);

    const before = cache.generation;
    cache.forgetToken('nothing-cached');
    cache.set('d', principal, far, before);
    expect(cache.get('d')).toBeUndefined();
    now += 5000;
    expect(cache.get('c')).toBeUndefined();
  });
});
