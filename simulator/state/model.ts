// The simulator's persistent state. Git objects and refs live in bare repositories on disk; everything
// Azure DevOps keeps beside git (projects, identities, tokens, pushes, pull requests) lives here, in one
// JSON document written atomically after every change.

export type HostKind = 'services' | 'server';

/** A Services organization or a Server collection: the unit that owns projects, members and policies. */
export interface Host {
  id: string;
  name: string;
  kind: HostKind;
  /** Entra tenant the organization is connected to; all zeros for an MSA-backed organization. Services only. */
  tenantId: string;
  /** Server only: the product version reported to clients, e.g. "Azure DevOps Server 2022". */
  serverVersion?: string;
  /** Server only: what the server believes its public URL is (real servers sometimes say http://localhost). */
  publicUrl?: string;
  /** User and service principal ids with access to every project of this host. */
  members: string[];
  policies: HostPolicies;
  projects: Project[];
  createdDate: string;
}

export interface HostPolicies {
  /** "SSH authentication" organization policy (DisallowSecureShell when false). */
  allowSsh: boolean;
  /** "Third-party application access via OAuth" policy. */
  allowOAuth: boolean;
}

export interface Project {
  id: string;
  name: string;
  description?: string;
  visibility: 'private' | 'public';
  state: 'wellFormed';
  revision: number;
  lastUpdateTime: string;
  repositories: Repository[];
  /** Members with read-only access to this project only, besides the host's members. */
  readers: string[];
}

export interface Repository {
  id: string;
  name: string;
  isDisabled: boolean;
  /** Directory name of the bare repository under the state directory's repos/ folder. */
  dir: string;
  pushes: Push[];
  pullRequests: PullRequest[];
  nextPushId: number;
}

export interface RefUpdate {
  name: string;
  oldObjectId: string;
  newObjectId: string;
}

export interface Push {
  pushId: number;
  date: string;
  pushedById: string;
  refUpdates: RefUpdate[];
  commitIds: string[];
}

export type PullRequestStatus = 'active' | 'abandoned' | 'completed';

export interface PullRequestReviewer {
  id: string;
  vote: number;
  isRequired?: boolean;
}

export interface PullRequest {
  pullRequestId: number;
  title: string;
  description: string;
  sourceRefName: string;
  targetRefName: string;
  status: PullRequestStatus;
  isDraft: boolean;
  createdById: string;
  creationDate: string;
  closedDate?: string;
  closedById?: string;
  mergeStatus: 'notSet' | 'queued' | 'conflicts' | 'succeeded' | 'rejectedByPolicy' | 'failure';
  mergeId: string;
  lastMergeSourceCommit?: string;
  lastMergeTargetCommit?: string;
  lastMergeCommit?: string;
  reviewers: PullRequestReviewer[];
  /** Commit ids of the source branch not on the target, newest first, captured when created or updated. */
  commitIds: string[];
}

export interface User {
  id: string;
  /** Sign-in name, shown as uniqueName (an email address on Services). */
  uniqueName: string;
  displayName: string;
  createdDate: string;
}

/** Scopes as Azure DevOps names them; "app_token" means full access. */
export interface Pat {
  authorizationId: string;
  userId: string;
  displayName: string;
  /** sha256 hex of the token: the state file never holds a usable PAT. */
  tokenHash: string;
  scope: string;
  /** Host ids the PAT is valid for; empty with allOrgs true means "all accessible organizations". */
  hostIds: string[];
  allOrgs: boolean;
  validFrom: string;
  validTo: string;
}

export interface SshKey {
  id: string;
  userId: string;
  displayName: string;
  /** OpenSSH public key line: "ssh-rsa AAAA... comment". */
  publicKey: string;
  /** SHA256:... as ssh-keygen -lf prints it. */
  fingerprint: string;
  /** Keys are registered per organization in Azure DevOps. */
  hostIds: string[];
  validTo: string;
}

export interface ServicePrincipal {
  /** The service principal's object id: the `oid` of its tokens and its identity in organizations. */
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  secrets: string[];
  createdDate: string;
}

export interface SimulatorState {
  version: 1;
  instanceId: string;
  hosts: Host[];
  users: User[];
  pats: Pat[];
  sshKeys: SshKey[];
  servicePrincipals: ServicePrincipal[];
  /** Pull request ids are unique per host in Azure DevOps; keyed by host id. */
  nextPullRequestId: Record<string, number>;
}

export function emptyState(instanceId: string): SimulatorState {
  return {
    version: 1,
    instanceId,
    hosts: [],
    users: [],
    pats: [],
    sshKeys: [],
    servicePrincipals: [],
    nextPullRequestId: {},
  };
}
