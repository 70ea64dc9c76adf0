// Who a request acts for, and in which workspace: what every API route checks before it touches data.
import type { ApiTokenScope, WorkspaceRole } from '../store/database.js';

export interface Principal {
  /** How the caller proved who they are: a browser session cookie or an API token (Authorization: Bearer). */
  via: 'session' | 'token';
  /** The signed-in user; for a token, the user who created it. */
  userId: string;
  email: string;
  /** An administrator of the whole service: every workspace, creating workspaces, inviting anyone. */
  isAdmin: boolean;
  /** The workspace this request acts in: a token's own, or for a session the one it chose (X-Azdo-Workspace). */
  workspaceId: string;
  /** The user's role in that workspace (service administrators are 'admin' everywhere). */
  role: WorkspaceRole;
  /**
   * What this request may do: tokens carry their scope; sessions get 'admin' for workspace admins, else 'write'.
   * read: GET only; write: connections, repositories and jobs; admin: also members and API tokens.
   */
  scope: ApiTokenScope;
  sessionId?: string;
  tokenId?: string;
}

/** The header a browser session sends to choose among the workspaces its user belongs to. */
export const WORKSPACE_HEADER = 'x-azdo-workspace';
/** The header every unsafe request of a browser session carries (the CSRF token from GET /api/v1/session). */
export const CSRF_HEADER = 'x-csrf-token';
/** The session cookie: http-only, SameSite=Strict, Secure (see server/plugins/auth). */
export const SESSION_COOKIE = 'azdo_session';
