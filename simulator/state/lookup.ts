import type { Host, Project, Repository, SimulatorState } from './model.js';

// Azure DevOps matches names case-insensitively and accepts ids wherever it accepts names. (localeCompare with
// options builds a collator per call: on the hot path of every request that cost more than the rest together.)
const same = (a: string, b: string): boolean => a === b || a.toLowerCase() === b.toLowerCase();

/** A project or repository name: 1 to 64 characters, none of those Azure DevOps reserves. */
export const VALID_NAME = /^[^\\/:*?"<>|;#$*{},+=[\]]{1,64}$/;

/** Orders names as Azure DevOps lists them: case-insensitively. One collator, made once. */
export const byName = new Intl.Collator('en', { sensitivity: 'base' }).compare;

export function findHost(state: SimulatorState, nameOrId: string): Host | undefined {
  return state.hosts.find((h) => same(h.name, nameOrId) || same(h.id, nameOrId));
}

export function findProject(host: Host, nameOrId: string): Project | undefined {
  return host.projects.find((p) => same(p.name, nameOrId) || same(p.id, nameOrId));
}

export interface RepositoryMatch {
  project: Project;
  repository: Repository;
}

/** Finds a repository by name or id, within a project when one is given, else across the host (ids, then names). */
export function findRepository(host: Host, project: Project | undefined, nameOrId: string): RepositoryMatch | undefined {
  const projects = project ? [project] : host.projects;
  for (const p of projects) {
    const r = p.repositories.find((x) => same(x.id, nameOrId));
    if (r) return { project: p, repository: r };
  }
  for (const p of projects) {
    const r = p.repositories.find((x) => same(x.name, nameOrId));
    if (r) return { project: p, repository: r };
  }
  return undefined;
}

export function findRepositoryById(state: SimulatorState, id: string): (RepositoryMatch & { host: Host }) | undefined {
  for (const host of state.hosts) {
    for (const project of host.projects) {
      const repository = project.repositories.find((r) => r.id === id);
      if (repository) return { host, project, repository };
    }
  }
  return undefined;
}

export function isNameTaken(names: Iterable<string>, name: string): boolean {
  for (const n of names) if (same(n, name)) return true;
  return false;
}
