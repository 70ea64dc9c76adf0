import type { SeedDocument, SeedRepository } from './seed-schema.js';

// Checks what a schema cannot: names that must refer to something else in the same seed. It runs on documents
// that may also have structural mistakes, so it reads every value defensively and reports those once only.

const RESERVED_HOST_NAMES = new Set(['_apis', '_simulator', '_signin', 'tfs', '_git']);
export const FULL_PAT_NAME = 'full';

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((x): x is Obj => typeof x === 'object' && x !== null) : []);
const strings = (v: unknown): Array<[number, string]> => (Array.isArray(v) ? v.flatMap((x, i): Array<[number, string]> => (typeof x === 'string' ? [[i, x]] : [])) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const key = (s: string): string => s.toLowerCase();

interface SeedHostIndex {
  kind: 'organization' | 'collection';
  path: string;
  projects: Map<string, Map<string, { path: string; repository: SeedRepository }>>;
}

/** The branch a repository's commits go to when none is named. */
export function defaultBranchOf(repository: { defaultBranch?: string | undefined }): string {
  return (repository.defaultBranch ?? 'main').replace(/^refs\/heads\//, '');
}

/** Branches a seeded repository will have; undefined when an imported directory may bring any others. */
function branchesOf(r: SeedRepository): Set<string> | undefined {
  if (r.fromDirectory !== undefined) return undefined;
  const branches = new Set<string>();
  if ((r.commits?.length ?? 0) > 0 || (r.submodules?.length ?? 0) > 0) branches.add(defaultBranchOf(r));
  if (r.generate) branches.add(r.generate.branch ?? defaultBranchOf(r));
  for (const b of list(r.branches)) if (typeof b['name'] === 'string') branches.add(b['name']);
  return branches;
}

export function hasContent(r: SeedRepository): boolean {
  return r.fromDirectory !== undefined || r.generate !== undefined || (r.commits?.length ?? 0) > 0 || (r.submodules?.length ?? 0) > 0;
}

/** Every reference in the seed that points at nothing, as `path: problem` lines. */
export function referenceProblems(doc: SeedDocument): string[] {
  const problems: string[] = [];
  const add = (path: string, problem: string): void => void problems.push(`${path}: ${problem}`);
  const hosts = new Map<string, SeedHostIndex>();

  const indexHosts = (field: 'organizations' | 'collections', kind: SeedHostIndex['kind']): void => {
    list(doc[field]).forEach((h, i) => {
      const path = `${field}[${i}]`;
      const name = str(h['name']);
      if (name === undefined) return;
      if (RESERVED_HOST_NAMES.has(key(name))) add(`${path}.name`, `'${name}' is reserved by the simulator`);
      const other = hosts.get(key(name));
      if (other) return add(`${path}.name`, `'${name}' is already the name of ${other.path}`);
      const entry: SeedHostIndex = { kind, path, projects: new Map() };
      hosts.set(key(name), entry);
      list(h['projects']).forEach((p, j) => {
        const projectName = str(p['name']);
        if (projectName === undefined) return;
        if (entry.projects.has(key(projectName))) return add(`${path}.projects[${j}].name`, `project '${projectName}' appears twice in '${name}'`);
        const repositories = new Map<string, { path: string; repository: SeedRepository }>();
        entry.projects.set(key(projectName), repositories);
        list(p['repositories']).forEach((r, k) => {
          const repoName = str(r['name']);
          if (repoName === undefined) return;
          const repoPath = `${path}.projects[${j}].repositories[${k}]`;
          if (repositories.has(key(repoName))) return add(`${repoPath}.name`, `repository '${repoName}' appears twice in '${projectName}'`);
          repositories.set(key(repoName), { path: repoPath, repository: r as SeedRepository });
        });
      });
    });
  };
  indexHosts('organizations', 'organization');
  indexHosts('collections', 'collection');

  const hostRef = (path: string, name: string, o: { organizationOnly?: boolean } = {}): SeedHostIndex | undefined => {
    const host = hosts.get(key(name));
    if (!host) add(path, `no organization or collection named '${name}' in this seed`);
    else if (o.organizationOnly && host.kind === 'collection') add(path, `'${name}' is an Azure DevOps Server collection, which has no Entra ID service principals`);
    return host;
  };

  const users = new Set<string>();
  list(doc.users).forEach((u, i) => {
    const path = `users[${i}]`;
    const name = str(u['name']);
    if (name !== undefined) {
      if (users.has(key(name))) add(`${path}.name`, `user '${name}' appears twice`);
      users.add(key(name));
    }
    for (const [j, h] of strings(u['memberOf'])) hostRef(`${path}.memberOf[${j}]`, h);
    list(u['readerOf']).forEach((r, j) => {
      const at = `${path}.readerOf[${j}]`;
      const org = str(r['organization']);
      const col = str(r['collection']);
      if ((org === undefined) === (col === undefined)) return add(at, 'needs either organization or collection (one of them)');
      const hostName = (org ?? col) as string;
      const host = hostRef(`${at}.${org !== undefined ? 'organization' : 'collection'}`, hostName);
      const project = str(r['project']);
      if (host && project !== undefined && !host.projects.has(key(project))) add(`${at}.project`, `no project named '${project}' in '${hostName}'`);
    });
    const patNames = new Set<string>();
    list(u['pats']).forEach((p, j) => {
      const at = `${path}.pats[${j}]`;
      const patName = str(p['name']);
      if (patName !== undefined && key(patName) === FULL_PAT_NAME) add(`${at}.name`, `'${FULL_PAT_NAME}' is reserved: every seeded user gets a full-access PAT by that name`);
      else if (patName !== undefined && patNames.has(key(patName))) add(`${at}.name`, `PAT '${patName}' appears twice for this user`);
      if (patName !== undefined) patNames.add(key(patName));
      for (const [k, h] of strings(p['organizations'])) hostRef(`${at}.organizations[${k}]`, h);
      const validTo = str(p['validTo']);
      if (validTo !== undefined && Number.isNaN(Date.parse(validTo))) add(`${at}.validTo`, 'must be an ISO 8601 date such as 2030-01-31');
      if (validTo !== undefined && p['expired'] === true) add(`${at}.expired`, 'cannot be given together with validTo');
    });
  });

  list(doc.servicePrincipals).forEach((sp, i) => {
    for (const [j, h] of strings(sp['memberOf'])) hostRef(`servicePrincipals[${i}].memberOf[${j}]`, h, { organizationOnly: true });
  });

  for (const [hostKey, host] of hosts) {
    for (const [projectKey, repositories] of host.projects) {
      for (const { path, repository } of repositories.values()) {
        checkRepository(path, repository, { add, hostKey, projectKey, hosts, users, hasUsers: list(doc.users).length > 0 });
      }
    }
  }
  for (const cycle of submoduleCycles(hosts)) add(cycle.path, `submodules form a cycle (${cycle.names.join(' -> ')})`);
  return problems;
}

function checkRepository(
  path: string,
  r: SeedRepository,
  o: { add: (path: string, problem: string) => void; hostKey: string; projectKey: string; hosts: Map<string, SeedHostIndex>; users: Set<string>; hasUsers: boolean },
): void {
  const { add } = o;
  const branches = branchesOf(r);
  const knownBranch = (at: string, branch: string): void => {
    if (branches && !branches.has(branch.replace(/^refs\/heads\//, ''))) add(at, `no branch '${branch}' is seeded in this repository`);
  };
  // An imported directory arrives without a push; everything else the seed writes is pushed by a seeded user.
  const needsPusher = (hasContent(r) && r.fromDirectory === undefined) || list(r.branches).length > 0 || list(r.pullRequests).length > 0;
  if (needsPusher && !o.hasUsers) add(path, 'has commits or pull requests, which need at least one user under users to push and create them');

  list(r.commits).forEach((c, i) => checkDate(add, `${path}.commits[${i}].date`, c['date']));
  list(r.submodules).forEach((s, i) => {
    const at = `${path}.submodules[${i}]`;
    const target = resolveSubmodule(o.hosts, o.hostKey, o.projectKey, s);
    if (target === 'no-project') add(`${at}.project`, `no project named '${str(s['project'])}' in this ${o.hosts.get(o.hostKey)?.kind}`);
    else if (target === undefined) add(`${at}.repository`, `no repository named '${str(s['repository'])}' in that project`);
    else if (target.repository === r) add(`${at}.repository`, 'a repository cannot be its own submodule');
    else if (!hasContent(target.repository)) add(`${at}.repository`, `'${target.repository.name}' has no commits for the submodule to point to`);
  });
  // Branches that have commits by the time each listed branch is created, in seed order.
  const seen = new Set<string>();
  if ((r.commits?.length ?? 0) > 0 || (r.submodules?.length ?? 0) > 0) seen.add(defaultBranchOf(r));
  if (r.generate) seen.add(r.generate.branch ?? defaultBranchOf(r));
  list(r.branches).forEach((b, i) => {
    const at = `${path}.branches[${i}]`;
    const name = str(b['name']);
    if (name !== undefined && key(name) === key(defaultBranchOf(r))) add(`${at}.name`, `'${name}' is the default branch: put its commits under commits`);
    else if (name !== undefined && seen.has(name)) add(`${at}.name`, `branch '${name}' appears twice`);
    const from = str(b['from']);
    if (branches && !seen.has(from ?? defaultBranchOf(r))) {
      add(from === undefined ? at : `${at}.from`, `branch '${from ?? defaultBranchOf(r)}' has no commits seeded before this branch to start from`);
    }
    list(b['commits']).forEach((c, j) => checkDate(add, `${at}.commits[${j}].date`, c['date']));
    if (name !== undefined) seen.add(name);
  });
  list(r.pullRequests).forEach((pr, i) => {
    const at = `${path}.pullRequests[${i}]`;
    const source = str(pr['source']);
    const target = str(pr['target']) ?? defaultBranchOf(r);
    if (source !== undefined) knownBranch(`${at}.source`, source);
    knownBranch(pr['target'] === undefined ? at : `${at}.target`, target);
    if (source !== undefined && source.replace(/^refs\/heads\//, '') === target.replace(/^refs\/heads\//, '')) add(`${at}.target`, 'must differ from source');
    const createdBy = str(pr['createdBy']);
    if (createdBy !== undefined && !o.users.has(key(createdBy))) add(`${at}.createdBy`, `no user named '${createdBy}' in this seed`);
  });
}

function checkDate(add: (path: string, problem: string) => void, path: string, value: unknown): void {
  if (typeof value === 'string' && Number.isNaN(Date.parse(value))) add(path, 'must be an ISO 8601 date such as 2024-05-01T12:00:00Z');
}

export function resolveSubmodule(
  hosts: Map<string, SeedHostIndex>,
  hostKey: string,
  projectKey: string,
  s: Obj,
): { path: string; repository: SeedRepository } | 'no-project' | undefined {
  const project = hosts.get(hostKey)?.projects.get(key(str(s['project']) ?? projectKey));
  if (!project) return 'no-project';
  const name = str(s['repository']);
  return name === undefined ? undefined : project.get(key(name));
}

/** Submodules are seeded after the repositories they point to, so a cycle could never be seeded. */
function submoduleCycles(hosts: Map<string, SeedHostIndex>): Array<{ path: string; names: string[] }> {
  const edges = new Map<SeedRepository, { path: string; targets: SeedRepository[] }>();
  for (const [hostKey, host] of hosts) {
    for (const [projectKey, repositories] of host.projects) {
      for (const { path, repository } of repositories.values()) {
        const targets = list(repository.submodules).flatMap((s) => {
          const t = resolveSubmodule(hosts, hostKey, projectKey, s);
          return typeof t === 'object' && t.repository !== repository ? [t.repository] : [];
        });
        edges.set(repository, { path, targets });
      }
    }
  }
  const cycles: Array<{ path: string; names: string[] }> = [];
  const done = new Set<SeedRepository>();
  const visit = (r: SeedRepository, stack: SeedRepository[]): void => {
    if (done.has(r)) return;
    const at = stack.indexOf(r);
    if (at >= 0) {
      cycles.push({ path: edges.get(r)?.path ?? '', names: [...stack.slice(at), r].map((x) => x.name) });
      return;
    }
    for (const t of edges.get(r)?.targets ?? []) visit(t, [...stack, r]);
    done.add(r);
  };
  for (const r of edges.keys()) visit(r, []);
  return cycles;
}
