import type { AzdoClient } from '../client/index.js';
import type { GitRef } from './git-types.js';
import { repositoryPath } from './path.js';

export interface ListRefsOptions {
  /** Starts-with, without "refs/": "heads/" for branches, "tags/" for tags, "heads/main" for one branch. */
  filter?: string;
  filterContains?: string;
  /** Tags' `peeledObjectId`: the commit an annotated tag points at. */
  peelTags?: boolean;
  /** Refs per page; Azure DevOps allows at most 1000, the default. */
  pageSize?: number;
}

/** Refs a page at a time, as few requests as Azure DevOps allows ($top 1000, continuation tokens). */
export function listRefs(client: AzdoClient, project: string, repository: string, o: ListRefsOptions = {}): AsyncGenerator<GitRef[], void, undefined> {
  return client.paginate<GitRef>(`${repositoryPath(project, repository)}/refs`, {
    pageSize: Math.min(o.pageSize ?? 1000, 1000),
    query: {
      ...(o.filter !== undefined ? { filter: o.filter } : {}),
      ...(o.filterContains !== undefined ? { filterContains: o.filterContains } : {}),
      ...(o.peelTags ? { peelTags: true } : {}),
    },
  });
}
