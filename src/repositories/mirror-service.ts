// Mirrors of repositories through their connections, as the CLI and the service use them: fetch, what is known of a
// mirror, a mirror ready for reading, and its commits with hide and unhide.
export { fetchRepository, mirrorInfo, type FetchRepositoryOptions, type FetchRepositoryResult, type MirrorInfo, type MirrorOptions } from './mirror-fetch.js';
export { ensureMirror, type EnsuredMirror } from './mirror-ensure.js';
export { hideCommit, listMirrorCommits, unhideCommit, type ListMirrorCommitsOptions, type MirrorCommit, type MirrorCommitPage } from './mirror-commits.js';
