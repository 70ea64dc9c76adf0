// Names in REST paths: a project called "Fabrikam Fiber" or a repository called "a#b" must stay one segment.
export function segment(name: string): string {
  return encodeURIComponent(name);
}

/** `{project}/_apis/git/repositories/{repository}`: the root of every repository-level call. */
export function repositoryPath(project: string, repository: string): string {
  return `${segment(project)}/_apis/git/repositories/${segment(repository)}`;
}
