import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../store/test-stores.js';
import { rejection } from '../helpers/rejection.js';
import { accessWorld, type AccessWorld } from './access-world.js';

for (const dialect of DIALECTS) {
  describe(`members (${dialect})`, () => {
    let world: AccessWorld;
    afterEach(async () => world?.close());

    it('invites someone new: they become a member and sign in with the link into that workspace', async () => {
      world = await accessWorld(dialect);
      const { member, link } = await world.access.inviteMember(world.admin, { email: ' Ann@Example.com ', role: 'member' });
      expect(member).toMatchObject({ email: 'Ann@Example.com', name: 'Ann', role: 'member' });
      expect(link?.purpose).toBe('invite');
      const session = await world.access.signIn(world.linkToken(link!.url));
      const ann = await world.access.authenticateSession(session.token);
      expect(ann).toMatchObject({ workspaceId: 'default', role: 'member', scope: 'write', isAdmin: false });
      const again = await rejection(world.access.inviteMember(world.admin, { email: 'ann@example.COM', role: 'admin' }));
      expect(again.code).toBe('AZDO_MEMBER_EXISTS');
    });

    it('checks e-mail address, name and role', async () => {
      world = await accessWorld(dialect);
      for (const email of ['', 'ann', 'ann@', '@x', 'a b@example.com', `${'a'.repeat(250)}@x.io`]) {
        const error = await rejection(world.access.inviteMember(world.admin, { email, role: 'member' }));
        expect(error.code).toBe('AZDO_MEMBER_EMAIL_INVALID');
        expect(error.details?.field).toBe('email');
      }
      expect((await rejection(world.access.inviteMember(world.admin, { email: 'a@x', name: 'x'.repeat(101), role: 'member' }))).code).toBe('AZDO_MEMBER_NAME_INVALID');
      expect((await rejection(world.access.inviteMember(world.admin, { email: 'a@x', role: 'owner' as never }))).code).toBe('AZDO_ROLE_INVALID');
    });

    it('lets members list members but not invite, change or remove them', async () => {
      world = await accessWorld(dialect);
      const bob = await world.signedInMember(world.admin, 'bob@example.com');
      const page = await world.access.listMembers(bob.principal);
      expect(page.items.map((m) => m.email)).toEqual(['admin@example.com', 'bob@example.com']);
      for (const attempt of [
        world.access.inviteMember(bob.principal, { email: 'eve@example.com', role: 'admin' }),
        world.access.changeMemberRole(bob.principal, bob.principal.userId, 'admin'),
        world.access.removeMember(bob.principal, world.admin.userId),
        world.access.memberSignInLink(bob.principal, world.admin.userId),
      ]) {
        expect((await rejection(attempt)).code).toBe('AZDO_ACCESS_DENIED');
      }
    });

    it('pages members by e-mail address', async () => {
      world = await accessWorld(dialect);
      for (const email of ['dora@example.com', 'Carl@example.com', 'bea@example.com']) await world.access.inviteMember(world.admin, { email, role: 'member' });
      const emails: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await world.access.listMembers(world.admin, { limit: 1, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(1);
        emails.push(...page.items.map((m) => m.email));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(emails).toEqual(['admin@example.com', 'bea@example.com', 'Carl@example.com', 'dora@example.com']);
    });

    it('never leaves a workspace without an administrator', async () => {
      world = await accessWorld(dialect);
      const ws = await world.access.createWorkspace(world.admin, { name: 'Team' });
      const inTeam = await world.access.authenticateSession(world.adminSession, ws.id);
      const ann = await world.signedInMember(inTeam, 'ann@example.com', 'admin');
      await world.access.changeMemberRole(ann.principal, world.admin.userId, 'member');
      const demote = await rejection(world.access.changeMemberRole(ann.principal, ann.principal.userId, 'member'));
      expect(demote.code).toBe('AZDO_MEMBER_LAST_ADMIN_CONFLICT');
      expect((await rejection(world.access.removeMember(ann.principal, ann.principal.userId))).code).toBe('AZDO_MEMBER_LAST_ADMIN_CONFLICT');
      // Two demotions at once: one may pass, never both.
      await world.access.changeMemberRole(ann.principal, world.admin.userId, 'admin');
      const results = await Promise.allSettled([
        world.access.changeMemberRole(ann.principal, world.admin.userId, 'member'),
        world.access.changeMemberRole(ann.principal, ann.principal.userId, 'member'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const admins = (await world.access.listMembers(inTeam)).items.filter((m) => m.role === 'admin');
      expect(admins).toHaveLength(1);
    });

    it('ends a removed member\'s access to the workspace at their next request', async () => {
      world = await accessWorld(dialect);
      const bob = await world.signedInMember(world.admin, 'bob@example.com');
      await world.access.removeMember(world.admin, bob.principal.userId);
      expect((await rejection(world.access.authenticateSession(bob.session, 'default'))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.authenticateSession(bob.session))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.removeMember(world.admin, bob.principal.userId))).code).toBe('AZDO_MEMBER_NOT_FOUND');
      expect((await rejection(world.access.changeMemberRole(world.admin, 'no-such-user', 'admin'))).code).toBe('AZDO_MEMBER_NOT_FOUND');
    });

    it('gives a workspace administrator sign-in links only for people who belong to their workspace alone', async () => {
      world = await accessWorld(dialect);
      const team = await world.access.createWorkspace(world.admin, { name: 'Team' });
      const inTeam = await world.access.authenticateSession(world.adminSession, team.id);
      const lead = await world.signedInMember(inTeam, 'lead@example.com', 'admin');
      // Someone new: the lead gets their link.
      const fresh = await world.access.inviteMember(lead.principal, { email: 'new@example.com', role: 'member' });
      expect(fresh.link).not.toBeNull();
      expect((await world.access.memberSignInLink(lead.principal, fresh.member.userId)).purpose).toBe('sign-in');
      // Someone who also belongs to the default workspace, and the service administrator: no link for the lead.
      await world.access.inviteMember(world.admin, { email: 'both@example.com', role: 'member' });
      const both = await world.access.inviteMember(lead.principal, { email: 'both@example.com', role: 'member' });
      expect(both.link).toBeNull();
      expect((await rejection(world.access.memberSignInLink(lead.principal, both.member.userId))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.memberSignInLink(lead.principal, world.admin.userId))).code).toBe('AZDO_ACCESS_DENIED');
      // The service administrator may.
      expect((await world.access.memberSignInLink(inTeam, both.member.userId)).url).toMatch(/#token=/);
    });
  });

  describe(`workspaces (${dialect})`, () => {
    let world: AccessWorld;
    afterEach(async () => world?.close());

    it('lets only service administrators create workspaces, with names unique without regard to case', async () => {
      world = await accessWorld(dialect);
      const ws = await world.access.createWorkspace(world.admin, { name: '  Platform team ' });
      expect(ws).toMatchObject({ name: 'Platform team', role: 'admin' });
      const taken = await rejection(world.access.createWorkspace(world.admin, { name: 'PLATFORM TEAM' }));
      expect(taken.code).toBe('AZDO_WORKSPACE_NAME_TAKEN');
      for (const name of ['', '   ', 'x'.repeat(101), 'a\u0000b']) {
        expect((await rejection(world.access.createWorkspace(world.admin, { name }))).code).toBe('AZDO_WORKSPACE_NAME_INVALID');
      }
      const lead = await world.signedInMember(world.admin, 'lead@example.com', 'admin');
      expect((await rejection(world.access.createWorkspace(lead.principal, { name: 'Mine' }))).code).toBe('AZDO_ACCESS_DENIED');
      const { token } = await world.access.createApiToken(world.admin, { name: 't', scope: 'admin', expiresInDays: 1 });
      expect((await rejection(world.access.createWorkspace(await world.access.authenticateToken(token), { name: 'Mine' }))).code).toBe('AZDO_ACCESS_DENIED');
    });

    it('shows members their own workspaces, service administrators all, and tokens only theirs', async () => {
      world = await accessWorld(dialect);
      const a = await world.access.createWorkspace(world.admin, { name: 'A' });
      world.clock.advance(1000);
      const b = await world.access.createWorkspace(world.admin, { name: 'B' });
      const inB = await world.access.authenticateSession(world.adminSession, b.id);
      const bob = await world.signedInMember(inB, 'bob@example.com');
      expect((await world.access.listWorkspaces(bob.principal)).items.map((w) => [w.name, w.role])).toEqual([['B', 'member']]);
      const all = await world.access.listWorkspaces(world.admin, { limit: 2 });
      expect(all.items.map((w) => w.name)).toEqual(['Default', 'A']);
      expect((await world.access.listWorkspaces(world.admin, { cursor: all.nextCursor! })).items.map((w) => w.name)).toEqual(['B']);
      const me = await world.access.me(bob.principal);
      expect(me.workspace).toMatchObject({ id: b.id, role: 'member' });
      expect(me.workspaces.map((w) => w.id)).toEqual([b.id]);
      const { token } = await world.access.createApiToken(inB, { name: 't', scope: 'read', expiresInDays: 1 });
      const tokenPrincipal = await world.access.authenticateToken(token);
      expect((await world.access.listWorkspaces(tokenPrincipal)).items.map((w) => w.id)).toEqual([b.id]);
      expect(a.id).not.toBe(b.id);
    });

    it('acts in the workspace a session chooses, if its user may', async () => {
      world = await accessWorld(dialect);
      const b = await world.access.createWorkspace(world.admin, { name: 'B' });
      const bob = await world.signedInMember(world.admin, 'bob@example.com');
      expect((await rejection(world.access.authenticateSession(bob.session, b.id))).code).toBe('AZDO_ACCESS_DENIED');
      expect((await rejection(world.access.authenticateSession(bob.session, 'no-such-workspace'))).code).toBe('AZDO_ACCESS_DENIED');
      // Service administrators are administrators of every workspace, member or not.
      await world.access.removeMember(await world.access.authenticateSession(world.adminSession, b.id), world.admin.userId).catch(() => undefined);
      expect(await world.access.authenticateSession(world.adminSession, b.id)).toMatchObject({ workspaceId: b.id, role: 'admin', scope: 'admin' });
      expect((await rejection(world.access.authenticateSession(world.adminSession, 'no-such-workspace'))).code).toBe('AZDO_WORKSPACE_NOT_FOUND');
    });
  });
}
