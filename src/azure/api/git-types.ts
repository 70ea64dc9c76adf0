// Azure DevOps' git resources as they arrive in JSON. azure-devops-node-api's interfaces describe them after its own
// client converted them: dates become Date and enums become numbers. Fields of those kinds are retyped here as the
// strings the wire carries; the rest comes from its interfaces, with the fields Azure DevOps always sends made required.
import type { TeamProjectReference as NodeTeamProjectReference } from 'azure-devops-node-api/interfaces/CoreInterfaces.js';
import type {
  GitCommitRef as NodeGitCommitRef,
  GitItem as NodeGitItem,
  GitPullRequest as NodeGitPullRequest,
  GitRef as NodeGitRef,
  GitRepository as NodeGitRepository,
  GitUserDate as NodeGitUserDate,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { IdentityRef } from 'azure-devops-node-api/interfaces/common/VSSInterfaces.js';

export type { IdentityRef };

export type ProjectState = 'deleting' | 'new' | 'wellFormed' | 'createPending' | 'all' | 'unchanged' | 'deleted';

export type TeamProjectReference = Omit<NodeTeamProjectReference, 'id' | 'name' | 'lastUpdateTime' | 'state' | 'visibility'> & {
  id: string;
  name: string;
  lastUpdateTime?: string;
  state?: ProjectState;
  visibility?: 'private' | 'public' | 'organization';
};

export type GitRepository = Omit<NodeGitRepository, 'id' | 'name' | 'project' | 'creationDate' | 'parentRepository'> & {
  id: string;
  name: string;
  project: TeamProjectReference;
  creationDate?: string;
};

export type GitRef = Omit<NodeGitRef, 'name' | 'objectId' | 'statuses'> & { name: string; objectId: string };

export type GitUserDate = Omit<NodeGitUserDate, 'date'> & { date?: string };

export type GitCommitRef = Omit<NodeGitCommitRef, 'commitId' | 'author' | 'committer' | 'changes' | 'push' | 'statuses'> & {
  commitId: string;
  author?: GitUserDate;
  committer?: GitUserDate;
};

export type PullRequestStatus = 'notSet' | 'active' | 'abandoned' | 'completed' | 'all';
export type PullRequestMergeStatus = 'notSet' | 'queued' | 'conflicts' | 'succeeded' | 'rejectedByPolicy' | 'failure';

export type GitPullRequest = Omit<
  NodeGitPullRequest,
  | 'pullRequestId'
  | 'status'
  | 'mergeStatus'
  | 'creationDate'
  | 'closedDate'
  | 'completionQueueTime'
  | 'repository'
  | 'commits'
  | 'lastMergeCommit'
  | 'lastMergeSourceCommit'
  | 'lastMergeTargetCommit'
  | 'completionOptions'
  | 'forkSource'
  | 'labels'
  | 'mergeFailureType'
  | 'reviewers'
  | 'workItemRefs'
  | 'statuses'
> & {
  pullRequestId: number;
  status: Exclude<PullRequestStatus, 'all'>;
  mergeStatus?: PullRequestMergeStatus;
  creationDate: string;
  closedDate?: string;
  repository: GitRepository;
  title: string;
  sourceRefName: string;
  targetRefName: string;
  lastMergeCommit?: GitCommitRef;
  lastMergeSourceCommit?: GitCommitRef;
  lastMergeTargetCommit?: GitCommitRef;
  reviewers?: Array<IdentityRef & { vote?: number; isRequired?: boolean; hasDeclined?: boolean }>;
};

export type GitObjectType = 'bad' | 'commit' | 'tree' | 'blob' | 'tag' | 'ext2' | 'ofsDelta' | 'refDelta';

export type GitItem = Omit<NodeGitItem, 'path' | 'gitObjectType' | 'latestProcessedChange' | 'contentMetadata'> & {
  path: string;
  gitObjectType: GitObjectType;
  objectId: string;
  commitId: string;
};

/** The version a read is made at: what the web UI's `GB`, `GT` and `GC` prefixes name. */
export interface GitVersion {
  type: 'branch' | 'tag' | 'commit';
  value: string;
}
