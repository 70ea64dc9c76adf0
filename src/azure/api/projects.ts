import type { AzdoClient } from '../client/index.js';
import type { TeamProjectReference } from './git-types.js';
import { segment } from './path.js';

/** The projects the credential can see, a page at a time (continuation tokens). */
export function listProjects(client: AzdoClient, o: { pageSize?: number } = {}): AsyncGenerator<TeamProjectReference[], void, undefined> {
  return client.paginate<TeamProjectReference>('_apis/projects', { ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}) });
}

/** By name or id. */
export async function getProject(client: AzdoClient, project: string): Promise<TeamProjectReference> {
  return (await client.get<TeamProjectReference>(`_apis/projects/${segment(project)}`)).data;
}
