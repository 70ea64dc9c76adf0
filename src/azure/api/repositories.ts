import { unwrapList, type AzdoClient } from '../client/index.js';
import type { GitRepository } from './git-types.js';
import { repositoryPath, segment } from './path.js';

/**
 * Every repository of the organization or collection in ONE request (the organization-level listing, FACTS §2.3),
 * or those of one project. The listing is not paged.
 */
export async function listRepositories(client: AzdoClient, o: { project?: string } = {}): Promise<GitRepository[]> {
  const path = o.project === undefined ? '_apis/git/repositories' : `${segment(o.project)}/_apis/git/repositories`;
  return unwrapList<GitRepository>(await client.get(path));
}

/** By name (with its project) or id. */
export async function getRepository(client: AzdoClient, project: string, repository: string): Promise<GitRepository> {
  return (await client.get<GitRepository>(repositoryPath(project, repository))).data;
}
