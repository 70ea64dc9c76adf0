import { unwrapList, type AzdoClient, type QueryValue } from '../client/index.js';
import type { GitItem, GitVersion } from './git-types.js';
import { repositoryPath } from './path.js';

export type RecursionLevel = 'none' | 'oneLevel' | 'full';

function versionQuery(version: GitVersion | undefined): Record<string, QueryValue> {
  return version ? { 'versionDescriptor.version': version.value, 'versionDescriptor.versionType': version.type } : {};
}

/**
 * The folder at `scopePath` and what is under it (`oneLevel`, or `full` for the whole tree in one request), at a
 * version; the default branch when no version is given.
 */
export async function listItems(
  client: AzdoClient,
  project: string,
  repository: string,
  o: { scopePath?: string; recursion?: RecursionLevel; version?: GitVersion } = {},
): Promise<GitItem[]> {
  const response = await client.get(`${repositoryPath(project, repository)}/items`, {
    query: { scopePath: o.scopePath ?? '/', recursionLevel: o.recursion ?? 'oneLevel', ...versionQuery(o.version) },
  });
  return unwrapList<GitItem>(response);
}

/** One file or folder's metadata. */
export async function getItem(client: AzdoClient, project: string, repository: string, path: string, o: { version?: GitVersion } = {}): Promise<GitItem> {
  return (await client.get<GitItem>(`${repositoryPath(project, repository)}/items`, { query: { path, ...versionQuery(o.version) } })).data;
}

/** A file's bytes, exactly as committed (no encoding guessed). */
export async function getItemContent(client: AzdoClient, project: string, repository: string, path: string, o: { version?: GitVersion } = {}): Promise<Buffer> {
  const response = await client.get<Buffer>(`${repositoryPath(project, repository)}/items`, {
    accept: 'binary',
    query: { path, $format: 'octetStream', ...versionQuery(o.version) },
  });
  return response.data;
}
