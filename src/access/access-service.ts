// Who may use the service and how they prove it. Sign-in is passwordless: one-time links (printed on first start,
// or made by an admin for an invite) open a session; scripts use API tokens. Every token of every kind is random,
// shown once, and stored only as its SHA-256.
import type { ApiTokenScope, SignInLinkPurpose, WorkspaceRole } from '../store/database.js';
import type { Principal } from './principal.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface WorkspaceView {
  id: string;
  name: string;
  /** The caller's role in it. */
  role: WorkspaceRole;
  createdAt: string;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: WorkspaceRole;
  addedAt: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  /** The token's first characters ("azdo_AbCd"), to tell tokens apart; never enough to use it. */
  prefix: string;
  scope: ApiTokenScope;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface SignInLink {
  /** The full URL to open: {publicUrl}/sign-in#token=... (a fragment: never sent to servers or logged). */
  url: string;
  expiresAt: string;
  purpose: SignInLinkPurpose;
}

export interface NewSession {
  /** The cookie value; shown to no one else. */
  token: string;
  /** When the session ends unless used: each use moves it on (12 hours), up to maxExpiresAt. */
  expiresAt: string;
  /** When the session ends however much it is used (7 days after sign-in): the cookie's expiry. */
  maxExpiresAt: string;
  user: UserView;
}

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AccessService {
  /**
   * On first start (no user at all): creates the service administrator, a member of the default workspace, and
   * returns a one-time sign-in link to print. Later starts return undefined. Safe when several instances start at once.
   */
  bootstrap(o?: { email?: string; name?: string }): Promise<{ user: UserView; link: SignInLink } | undefined>;
  /** A new one-time link for an existing user (the CLI's `admin sign-in-link`, an admin re-inviting someone). */
  createSignInLink(o: { email: string; purpose?: SignInLinkPurpose; createdBy?: string; ttlMs?: number }): Promise<SignInLink>;
  /** Uses a link once. AZDO_SIGN_IN_LINK_INVALID (unknown, used or expired: one answer for all three). */
  signIn(linkToken: string): Promise<NewSession>;
  signOut(sessionToken: string): Promise<void>;
  /**
   * The principal of a session cookie, acting in `workspaceId` (default: the user's first workspace).
   * AZDO_AUTH_REQUIRED when unknown or expired; AZDO_ACCESS_DENIED for a workspace the user is not in.
   */
  authenticateSession(sessionToken: string, workspaceId?: string): Promise<Principal>;
  /** The principal of an API token. AZDO_API_TOKEN_INVALID (unknown, revoked or expired, with which one in the message). */
  authenticateToken(token: string): Promise<Principal>;
  /** The CSRF token of a session: an HMAC of the session id, so nothing more is stored. */
  csrfToken(principal: Principal): string;
  /** Constant-time check of a CSRF token against the session's. */
  verifyCsrf(principal: Principal, token: string | undefined): boolean;

  me(principal: Principal): Promise<{ user: UserView; workspace: WorkspaceView; workspaces: WorkspaceView[] }>;

  listWorkspaces(principal: Principal, page?: { limit?: number; cursor?: string }): Promise<Paged<WorkspaceView>>;
  /** Service administrators only; the creator becomes its admin. */
  createWorkspace(principal: Principal, o: { name: string }): Promise<WorkspaceView>;

  listMembers(principal: Principal, page?: { limit?: number; cursor?: string }): Promise<Paged<MemberView>>;
  /**
   * Workspace admins: adds the user (created if new) to the principal's workspace and returns their sign-in link.
   * The link is null when the user also belongs to other workspaces (or is a service administrator) and the caller
   * is not a service administrator: a link signs its holder in as that user everywhere. Also null for a disabled user.
   */
  inviteMember(principal: Principal, o: { email: string; name?: string; role: WorkspaceRole }): Promise<{ member: MemberView; link: SignInLink | null }>;
  /** Workspace admins: a new one-time link (1 hour) for a member, under the same rule as inviteMember's link. */
  memberSignInLink(principal: Principal, userId: string): Promise<SignInLink>;
  changeMemberRole(principal: Principal, userId: string, role: WorkspaceRole): Promise<MemberView>;
  /**
   * Refuses to remove the last admin of a workspace (AZDO_MEMBER_LAST_ADMIN_CONFLICT). Ends the user's access to this
   * workspace at their next request, and revokes the API tokens they made in it.
   */
  removeMember(principal: Principal, userId: string): Promise<void>;

  listApiTokens(principal: Principal, page?: { limit?: number; cursor?: string }): Promise<Paged<ApiTokenView>>;
  /** The token itself is returned this once. Scope cannot exceed the creator's; expiry 1 to 366 days. */
  createApiToken(principal: Principal, o: { name: string; scope: ApiTokenScope; expiresInDays: number }): Promise<{ token: string; view: ApiTokenView }>;
  revokeApiToken(principal: Principal, id: string): Promise<ApiTokenView>;

  /** Service administrators (or the CLI, without a principal): a disabled user cannot sign in and their sessions end. */
  setUserDisabled(principal: Principal | undefined, userId: string, disabled: boolean): Promise<UserView>;
}
