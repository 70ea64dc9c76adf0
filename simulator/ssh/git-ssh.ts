import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimulatorContext } from '../runtime/context.js';
import { canRead, repositoryForGit, tf401019, TF401027_PUSH } from '../git/git-http-routes.js';
import { findHost, findProject } from '../state/lookup.js';
import type { Host, Project } from '../state/model.js';
import { generateRsaHostKeyAsync, publicKeyFingerprint, startSshServer, type RunningSshServer } from './ssh-server.js';

export interface GitSshOptions {
  host: string;
  port: number;
  /** PEM of the host key: see loadOrCreateHostKey. */
  hostKey: string;
}

/** Kept in the state directory so the host key, and so users' known_hosts, survive restarts. */
export async function loadOrCreateHostKey(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    // 2048 bits: a 3072-bit key took up to 0.8 s on a first start, for a key that guards a local test server.
    const key = await generateRsaHostKeyAsync(2048);
    await writeFile(file, key, { mode: 0o600 });
    return key;
  }
}

interface SshTarget {
  host: Host;
  project?: Project;
  repo: string;
}

/**
 * Reads the repository path of an SSH git command: Services `v3/{org}/{project}/{repo}` (also with `_optimized`
 * or `_full` before the repository), and Server `{collection}/{project}/_git/{repo}`, optionally under `tfs/`.
 */
export function parseSshRepoPath(ctx: SimulatorContext, sshPath: string): SshTarget | undefined {
  const segments = sshPath.replace(/^\/+/, '').split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const state = ctx.store.state;
  if (segments[0]?.toLowerCase() === 'v3') {
    const rest = segments.slice(1).filter((s) => s !== '_optimized' && s !== '_full');
    if (rest.length !== 3) return undefined;
    const host = findHost(state, rest[0]!);
    if (!host || host.kind !== 'services') return undefined;
    const project = findProject(host, rest[1]!);
    return project ? { host, project, repo: rest[2]! } : undefined;
  }
  const withoutVdir = segments[0]?.toLowerCase() === 'tfs' ? segments.slice(1) : segments;
  const git = withoutVdir.findIndex((s) => s === '_git' || s === '_ssh');
  if (git < 1 || git !== withoutVdir.length - 2) return undefined;
  const host = findHost(state, withoutVdir[0]!);
  if (!host || host.kind !== 'server') return undefined;
  if (git === 1) return { host, repo: withoutVdir[2]! };
  if (git !== 2) return undefined;
  const project = findProject(host, withoutVdir[1]!);
  return project ? { host, project, repo: withoutVdir[3]! } : undefined;
}

/** The simulator's SSH endpoint: user-level RSA keys from the state, repositories resolved as Azure DevOps does. */
export async function startGitSsh(ctx: SimulatorContext, o: GitSshOptions): Promise<RunningSshServer> {
  return startSshServer({
    host: o.host,
    port: o.port,
    hostKey: o.hostKey,
    findKeyOwner: (blob) => {
      const fingerprint = publicKeyFingerprint(blob);
      const key = ctx.store.state.sshKeys.find((k) => k.fingerprint === fingerprint && Date.parse(k.validTo) > Date.now());
      const user = key && ctx.store.state.users.find((u) => u.id === key.userId);
      return user && { id: user.id, name: user.uniqueName };
    },
    resolveRepo: async (user, sshPath, service) => {
      const started = Date.now();
      const target = parseSshRepoPath(ctx, sshPath);
      const repoName = sshPath.split('/').filter(Boolean).pop() ?? sshPath;
      const log = (status: number): void =>
        ctx.log.add({ time: new Date().toISOString(), method: service, url: sshPath, status, durationMs: Date.now() - started, identity: user.id, transport: 'ssh' });
      if (!target) {
        log(404);
        return { error: tf401019(repoName) };
      }
      const { host } = target;
      if (!host.policies.allowSsh) {
        log(403);
        return { error: `TF400813: SSH authentication is disabled for the organization '${host.name}'. Use HTTPS or ask an administrator to enable the SSH authentication policy.` };
      }
      const key = ctx.store.state.sshKeys.find((k) => k.userId === user.id && (k.hostIds.length === 0 || k.hostIds.includes(host.id)));
      const match = key ? repositoryForGit(host, target.project, target.repo) : undefined;
      if (!match || !canRead(host, match.project, user.id) || match.repository.isDisabled) {
        log(404);
        return { error: tf401019(target.repo) };
      }
      if (service === 'git-receive-pack') {
        if (!host.members.includes(user.id)) {
          log(403);
          return { error: TF401027_PUSH };
        }
        await ctx.repos.baselineRefs(match.repository);
      }
      log(200);
      return { repoPath: ctx.repos.pathOf(match.repository) };
    },
    onReceivePackDone: async (user, repoPath) => {
      const dir = path.basename(repoPath);
      for (const host of ctx.store.state.hosts) {
        for (const project of host.projects) {
          const repository = project.repositories.find((r) => r.dir === dir);
          if (repository) {
            await ctx.repos.recordChange(repository, user.id);
            return;
          }
        }
      }
    },
  });
}
