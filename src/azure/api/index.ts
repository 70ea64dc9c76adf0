// Thin typed functions over AzdoClient, one file per area of Azure DevOps' REST API.
export * from './git-types.js';
export { listProjects, getProject } from './projects.js';
export { listRepositories, getRepository } from './repositories.js';
export { listRefs, type ListRefsOptions } from './refs.js';
export { listCommits, getCommit, commitCriteria, type ListCommitsOptions } from './commits.js';
export { listPullRequests, getPullRequest, getPullRequestCommits, type ListPullRequestsOptions } from './pull-requests.js';
export { listItems, getItem, getItemContent, type RecursionLevel } from './items.js';
