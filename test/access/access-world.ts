// The access service over a real store (SQLite or PostgreSQL) and vault, with a clock the test moves, a signed-in
// service administrator, and shortcuts to invite and sign in more people.
import { createAccessService } from '../../src/access/create-access-service.js';
import type { AccessService } from '../../src/access/access-service.js';
import type { Principal } from '../../src/access/principal.js';
import { Vault, generateSecretKey } from '../../src/credentials/vault.js';
import type { WorkspaceRole } from '../../src/store/database.js';
import type { StoreDialect } from '../../src/store/open-store.js';
import { testStores, type TestStore } from '../store/test-stores.js';

export interface AccessWorld {
  store: TestStore;
  vault: Vault;
  access: AccessService;
  /** The clock every part of the service reads. */
  clock: { now: Date; advance(ms: number): void };
  admin: Principal;
  adminSession: string;
  /** Invites `email` into the principal's workspace and signs them in. */
  signedInMember(by: Principal, email: string, role?: WorkspaceRole): Promise<{ principal: Principal; session: string }>;
  /** A second service on the same store and key: another instance, or this one after a restart. */
  restart(): AccessService;
  /** The token of a sign-in link URL. */
  linkToken(url: string): string;
  close(): Promise<void>;
}

export const PUBLIC_URL = 'https://azdo.example.test';

export async function accessWorld(dialect: StoreDialect): Promise<AccessWorld> {
  const stores = testStores();
  const store = await stores.open(dialect);
  const key = generateSecretKey();
  const vault = Vault.fromKey(key);
  const clock = {
    // Now, not a fixed date: the default workspace was created at the real time when the store was migrated.
    now: new Date(Math.ceil(Date.now() / 1000) * 1000 + 1000),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const make = () => createAccessService({ store, vault: Vault.fromKey(key), publicUrl: PUBLIC_URL, now: () => clock.now });
  const access = make();
  const linkToken = (url: string) => new URL(url).hash.replace(/^#token=/, '');
  const boot = await access.bootstrap({ email: 'admin@example.com', name: 'Admin' });
  if (!boot) throw new Error('a new store has no users');
  const adminSession = (await access.signIn(linkToken(boot.link.url))).token;
  const admin = await access.authenticateSession(adminSession);
  return {
    store,
    vault,
    access,
    clock,
    admin,
    adminSession,
    linkToken,
    async signedInMember(by, email, role = 'member') {
      const { link } = await access.inviteMember(by, { email, role });
      if (!link) throw new Error(`no link for ${email}`);
      const session = (await access.signIn(linkToken(link.url))).token;
      return { principal: await access.authenticateSession(session, by.workspaceId), session };
    },
    restart: make,
    close: () => stores.cleanup(),
  };
}
