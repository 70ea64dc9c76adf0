import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { GitRepo, type GitChange, type GitIdentity } from '../git/git-repo.js';
import { publicKeyFingerprint } from '../ssh/ssh-server.js';
import { hashToken } from '../http/authenticate.js';
import { AdoHttpError } from '../http/ado-errors.js';
import { renameRepository, setRepositoryDisabled } from '../services/repositories.js';
import type { SimulatorContext } from '../runtime/context.js';
import { findHost, findProject, findRepository, isNameTaken, VALID_NAME } from '../state/lookup.js';
import type { Host, HostKind, Pat, Project, Push, Repository, ServicePrincipal, SshKey, User } from '../state/model.js';
import { ControlError } from './control-error.js';

export interface CreateHostInput {
  name: string;
  kind?: HostKind;
  tenantId?: string;
  serverVersion?: string;
  publicUrl?: string;
}

export interface CommitInput {
  message: string;
  changes: GitChange[];
  author?: GitIdentity;
}

const ORG_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,48}[A-Za-z0-9]?$/;
const RESERVED_HOST_NAMES = new Set(['_apis', '_simulator', '_signin', 'tfs', '_git']);

function checkName(field: string, value: unknown, pattern = VALID_NAME): string {
  if (typeof value !== 'string' || value.trim() !== value || !pattern.test(value)) {
    throw new ControlError(field, `must be a name of 1 to 64 characters without \\ / : * ? " < > | ; # and without leading or trailing spaces`);
  }
  return value;
}

/** 52 characters of base32, like a classic Azure DevOps PAT. */
function newPatToken(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(52);
  let token = '';
  for (const b of bytes) token += alphabet[b % 32];
  return token;
}

/**
 * Every change the control API, seeds and tests make to the simulated Azure DevOps. Inputs are checked before
 * anything changes, so a rejected call leaves the state as it was.
 */
export class SimulatorControl {
  constructor(private readonly ctx: SimulatorContext) {}

  /** The running simulator's context, for seeds and services that work below the control API. */
  get context(): SimulatorContext {
    return this.ctx;
  }

  private get state() {
    return this.ctx.store.state;
  }

  host(nameOrId: string): Host {
    const host = findHost(this.state, nameOrId);
    if (!host) throw new ControlError('host', `no organization or collection named '${nameOrId}'`, 404);
    return host;
  }

  project(host: string, project: string): { host: Host; project: Project } {
    const h = this.host(host);
    const p = findProject(h, project);
    if (!p) throw new ControlError('project', `no project named '${project}' in '${h.name}'`, 404);
    return { host: h, project: p };
  }

  repository(host: string, project: string, repository: string): { host: Host; project: Project; repository: Repository } {
    const { host: h, project: p } = this.project(host, project);
    const match = findRepository(h, p, repository);
    if (!match) throw new ControlError('repository', `no repository named '${repository}' in '${h.name}/${p.name}'`, 404);
    return { host: h, project: p, repository: match.repository };
  }

  user(nameOrId: string): User {
    const user = this.state.users.find((u) => u.id === nameOrId || u.uniqueName.toLowerCase() === nameOrId.toLowerCase());
    if (!user) throw new ControlError('user', `no user '${nameOrId}'`, 404);
    return user;
  }

  async createHost(input: CreateHostInput): Promise<Host> {
    const kind = input.kind ?? 'services';
    if (kind !== 'services' && kind !== 'server') throw new ControlError('kind', "must be 'services' or 'server'");
    const name = checkName('name', input.name, ORG_NAME);
    if (RESERVED_HOST_NAMES.has(name.toLowerCase())) throw new ControlError('name', `'${name}' is reserved by the simulator`);
    if (isNameTaken(this.state.hosts.map((h) => h.name), name)) throw new ControlError('name', `'${name}' already exists`, 409);
    if (input.tenantId !== undefined && !/^[0-9a-f-]{36}$/i.test(input.tenantId)) throw new ControlError('tenantId', 'must be a GUID');
    if (input.serverVersion !== undefined && !/^\d{4}(\.\d+)?$/.test(input.serverVersion)) {
      throw new ControlError('serverVersion', "must be a release like '2022.1' or '2020'");
    }
    if (input.publicUrl !== undefined && !URL.canParse(input.publicUrl)) throw new ControlError('publicUrl', 'must be an absolute URL');
    const host: Host = {
      id: randomUUID(),
      name,
      kind,
      tenantId: kind === 'services' ? (input.tenantId ?? randomUUID()) : '00000000-0000-0000-0000-000000000000',
      ...(kind === 'server' ? { serverVersion: input.serverVersion ?? '2022.1' } : {}),
      ...(input.publicUrl ? { publicUrl: input.publicUrl } : {}),
      members: [],
      policies: { allowSsh: true, allowOAuth: true },
      projects: [],
      createdDate: new Date().toISOString(),
    };
    return this.ctx.store.mutate((s) => {
      s.hosts.push(host);
      s.nextPullRequestId[host.id] = 1;
      return host;
    });
  }

  async setPolicies(host: string, policies: Partial<Host['policies']>): Promise<Host> {
    const h = this.host(host);
    for (const [k, v] of Object.entries(policies)) {
      if (!['allowSsh', 'allowOAuth'].includes(k)) throw new ControlError(`policies.${k}`, 'is not a known policy (allowSsh, allowOAuth)');
      if (typeof v !== 'boolean') throw new ControlError(`policies.${k}`, 'must be true or false');
    }
    return this.ctx.store.mutate(() => {
      h.policies = { ...h.policies, ...policies };
      return h;
    });
  }

  async createProject(host: string, input: { name: string; description?: string; visibility?: 'private' | 'public' }): Promise<Project> {
    const h = this.host(host);
    const name = checkName('name', input.name);
    if (isNameTaken(h.projects.map((p) => p.name), name)) throw new ControlError('name', `project '${name}' already exists in '${h.name}'`, 409);
    if (input.visibility !== undefined && !['private', 'public'].includes(input.visibility)) {
      throw new ControlError('visibility', "must be 'private' or 'public'");
    }
    const project: Project = {
      id: randomUUID(),
      name,
      ...(input.description ? { description: input.description } : {}),
      visibility: input.visibility ?? 'private',
      state: 'wellFormed',
      revision: 1,
      lastUpdateTime: new Date().toISOString(),
      repositories: [],
      readers: [],
    };
    return this.ctx.store.mutate(() => {
      h.projects.push(project);
      return project;
    });
  }

  /** Creates a repository, empty or imported from a local git directory (all branches and tags). */
  async createRepository(
    host: string,
    project: string,
    input: { name: string; fromDirectory?: string; isDisabled?: boolean; defaultBranch?: string },
  ): Promise<Repository> {
    const { project: p } = this.project(host, project);
    const name = checkName('name', input.name);
    if (isNameTaken(p.repositories.map((r) => r.name), name)) throw new ControlError('name', `repository '${name}' already exists in '${p.name}'`, 409);
    const id = randomUUID();
    const repository: Repository = { id, name, isDisabled: input.isDisabled === true, dir: `${id}.git`, pushes: [], pullRequests: [], nextPushId: 1 };
    const dir = path.join(this.ctx.store.reposDir(), repository.dir);
    try {
      if (input.fromDirectory) {
        const git = await GitRepo.cloneBareFrom(input.fromDirectory, dir);
        if (input.defaultBranch) await git.setDefaultBranch(`refs/heads/${input.defaultBranch.replace(/^refs\/heads\//, '')}`);
      } else {
        await GitRepo.initBare(dir, (input.defaultBranch ?? 'main').replace(/^refs\/heads\//, ''));
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new ControlError('fromDirectory', `cannot import the git repository: ${(error as Error).message}`);
    }
    return this.ctx.store.mutate(() => {
      p.repositories.push(repository);
      return repository;
    });
  }

  async setRepositoryDisabled(host: string, project: string, repository: string, isDisabled: boolean): Promise<Repository> {
    const { repository: r } = this.repository(host, project, repository);
    return setRepositoryDisabled(this.ctx, r, isDisabled);
  }

  /** Renames a repository as Azure DevOps does: same id, same content, reachable only by the new name. */
  async renameRepository(host: string, project: string, repository: string, newName: string): Promise<Repository> {
    const { project: p, repository: r } = this.repository(host, project, repository);
    const name = checkName('name', newName);
    try {
      return await renameRepository(this.ctx, p, r, name);
    } catch (error) {
      // The service speaks Azure DevOps errors (TF400948 for a taken name); here they name the field.
      if (error instanceof AdoHttpError) throw new ControlError('name', error.message, error.status);
      throw error;
    }
  }

  async createUser(input: { uniqueName: string; displayName?: string; hosts?: string[] }): Promise<User> {
    if (typeof input.uniqueName !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(input.uniqueName)) {
      throw new ControlError('uniqueName', 'must be a sign-in name like an email address (someone@example.com)');
    }
    if (this.state.users.some((u) => u.uniqueName.toLowerCase() === input.uniqueName.toLowerCase())) {
      throw new ControlError('uniqueName', `user '${input.uniqueName}' already exists`, 409);
    }
    const hosts = (input.hosts ?? []).map((h) => this.host(h));
    const user: User = {
      id: randomUUID(),
      uniqueName: input.uniqueName,
      displayName: input.displayName ?? input.uniqueName.split('@')[0]!,
      createdDate: new Date().toISOString(),
    };
    return this.ctx.store.mutate((s) => {
      s.users.push(user);
      for (const h of hosts) h.members.push(user.id);
      return user;
    });
  }

  /** Adds a user or service principal to an organization or collection, or only as a reader of one project. */
  async addMember(host: string, identityId: string, o: { project?: string } = {}): Promise<void> {
    const h = this.host(host);
    const known = this.state.users.some((u) => u.id === identityId) || this.state.servicePrincipals.some((p) => p.id === identityId);
    if (!known) throw new ControlError('identityId', `no user or service principal with id '${identityId}'`, 404);
    const project = o.project === undefined ? undefined : this.project(host, o.project).project;
    await this.ctx.store.mutate(() => {
      const list = project ? project.readers : h.members;
      if (!list.includes(identityId)) list.push(identityId);
    });
  }

  async removeMember(host: string, identityId: string): Promise<void> {
    const h = this.host(host);
    await this.ctx.store.mutate(() => {
      h.members = h.members.filter((m) => m !== identityId);
      for (const p of h.projects) p.readers = p.readers.filter((m) => m !== identityId);
    });
  }

  /** Creates a PAT and returns its token once; the state keeps only its hash. */
  async createPat(input: {
    user: string;
    displayName?: string;
    scope?: string;
    hosts?: string[];
    allOrgs?: boolean;
    validTo?: string | Date;
    token?: string;
  }): Promise<{ pat: Pat; token: string }> {
    const user = this.user(input.user);
    const scope = input.scope ?? 'app_token';
    if (typeof scope !== 'string' || !/^(app_token|(vso\.[a-z_]+)( vso\.[a-z_]+)*)$/.test(scope)) {
      throw new ControlError('scope', "must be 'app_token' (full access) or space-separated vso.* scopes such as 'vso.code vso.build'");
    }
    const hostIds = (input.hosts ?? []).map((h) => this.host(h).id);
    const allOrgs = input.allOrgs ?? hostIds.length === 0;
    const validTo = input.validTo === undefined ? new Date(Date.now() + 90 * 86_400_000) : new Date(input.validTo);
    if (Number.isNaN(validTo.getTime())) throw new ControlError('validTo', 'must be an ISO 8601 date');
    if (input.token !== undefined && (typeof input.token !== 'string' || input.token.length < 20)) {
      throw new ControlError('token', 'must be at least 20 characters when given');
    }
    const token = input.token ?? newPatToken();
    if (this.state.pats.some((p) => p.tokenHash === hashToken(token))) throw new ControlError('token', 'is already in use', 409);
    const pat: Pat = {
      authorizationId: randomUUID(),
      userId: user.id,
      displayName: input.displayName ?? 'simulator token',
      tokenHash: hashToken(token),
      scope,
      hostIds,
      allOrgs,
      validFrom: new Date().toISOString(),
      validTo: validTo.toISOString(),
    };
    await this.ctx.store.mutate((s) => s.pats.push(pat));
    return { pat, token };
  }

  async revokePat(authorizationId: string): Promise<void> {
    if (!this.state.pats.some((p) => p.authorizationId === authorizationId)) throw new ControlError('authorizationId', 'no such PAT', 404);
    await this.ctx.store.mutate((s) => {
      s.pats = s.pats.filter((p) => p.authorizationId !== authorizationId);
    });
  }

  /** Registers an SSH public key for a user (RSA only, as Azure DevOps; one year of validity by default). */
  async addSshKey(input: { user: string; publicKey: string; displayName?: string; hosts?: string[]; validTo?: string | Date }): Promise<SshKey> {
    const user = this.user(input.user);
    const parts = typeof input.publicKey === 'string' ? input.publicKey.trim().split(/\s+/) : [];
    if (parts[0] !== 'ssh-rsa' || !parts[1]) {
      throw new ControlError('publicKey', "must be an OpenSSH RSA public key line ('ssh-rsa AAAA...'); Azure DevOps accepts RSA keys only");
    }
    const blob = Buffer.from(parts[1], 'base64');
    if (blob.length < 100 || blob.readUInt32BE(0) !== 7 || blob.subarray(4, 11).toString() !== 'ssh-rsa') {
      throw new ControlError('publicKey', 'is not a valid ssh-rsa public key');
    }
    const fingerprint = publicKeyFingerprint(blob);
    if (this.state.sshKeys.some((k) => k.fingerprint === fingerprint)) throw new ControlError('publicKey', 'is already registered', 409);
    const validTo = input.validTo === undefined ? new Date(Date.now() + 365 * 86_400_000) : new Date(input.validTo);
    if (Number.isNaN(validTo.getTime())) throw new ControlError('validTo', 'must be an ISO 8601 date');
    const key: SshKey = {
      id: randomUUID(),
      userId: user.id,
      displayName: input.displayName ?? parts[2] ?? 'ssh key',
      publicKey: `${parts[0]} ${parts[1]}`,
      fingerprint,
      hostIds: (input.hosts ?? []).map((h) => this.host(h).id),
      validTo: validTo.toISOString(),
    };
    await this.ctx.store.mutate((s) => s.sshKeys.push(key));
    return key;
  }

  /** An Entra application with a service principal in a tenant, and a client secret returned once. */
  async createServicePrincipal(input: { displayName: string; tenantId?: string; hosts?: string[] }): Promise<{ principal: ServicePrincipal; clientSecret: string }> {
    if (typeof input.displayName !== 'string' || !input.displayName.trim()) throw new ControlError('displayName', 'is required');
    const hosts = (input.hosts ?? []).map((h) => this.host(h));
    const serverHost = hosts.find((h) => h.kind === 'server');
    if (serverHost) throw new ControlError('hosts', `'${serverHost.name}' is an Azure DevOps Server collection, which has no Entra ID support`);
    const tenantId = input.tenantId ?? hosts[0]?.tenantId ?? randomUUID();
    if (!/^[0-9a-f-]{36}$/i.test(tenantId)) throw new ControlError('tenantId', 'must be a GUID');
    const clientSecret = `${randomBytes(3).toString('hex')}~${randomBytes(24).toString('base64url')}`;
    const principal: ServicePrincipal = {
      id: randomUUID(),
      appId: randomUUID(),
      tenantId,
      displayName: input.displayName,
      secrets: [clientSecret],
      createdDate: new Date().toISOString(),
    };
    await this.ctx.store.mutate((s) => {
      s.servicePrincipals.push(principal);
      for (const h of hosts) h.members.push(principal.id);
    });
    return { principal, clientSecret };
  }

  /** Commits through git plumbing onto a branch and records the push, as a push over the wire would be. */
  /** A new branch starts from `from` (a branch or commit), else from the default branch, as a user would branch. */
  async pushCommits(input: { host: string; project: string; repository: string; branch: string; from?: string; commits: CommitInput[]; pushedBy?: string }): Promise<Push | undefined> {
    const { repository } = this.repository(input.host, input.project, input.repository);
    if (!Array.isArray(input.commits) || input.commits.length === 0) throw new ControlError('commits', 'must list at least one commit');
    const branch = `refs/heads/${String(input.branch).replace(/^refs\/heads\//, '')}`;
    const pusher = input.pushedBy ? this.user(input.pushedBy) : this.state.users[0];
    if (!pusher) throw new ControlError('pushedBy', 'no user exists to push as');
    const git = this.ctx.repos.git(repository);
    return this.ctx.repos.recordingPush(repository, pusher.id, async () => {
      const old = await git.resolve(branch);
      const start = input.from ?? (await git.defaultBranch());
      let parent = old ?? (start ? await git.resolve(start) : undefined);
      if (!old && input.from && !parent) throw new ControlError('from', `'${input.from}' names no branch or commit`);
      for (const [i, commit] of input.commits.entries()) {
        if (typeof commit.message !== 'string' || !Array.isArray(commit.changes)) {
          throw new ControlError(`commits[${i}]`, 'needs a message and a list of changes');
        }
        const author = commit.author ?? { name: pusher.displayName, email: pusher.uniqueName, date: new Date() };
        parent = await git.createCommit({ ...(parent ? { parentId: parent } : {}), changes: commit.changes, message: commit.message, author });
      }
      await git.updateRef(branch, parent!, old);
      if (!old && !(await git.defaultBranch())) await git.setDefaultBranch(branch);
    });
  }

  digest(): string {
    return createHash('sha256').update(JSON.stringify(this.state)).digest('hex');
  }
}
