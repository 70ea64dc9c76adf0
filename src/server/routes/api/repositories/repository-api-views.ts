// The library's and Azure DevOps' objects in the API's shapes (schemas/repository-schema.ts): one commit shape whether
// it came from a mirror or from Azure DevOps, pull requests with short branch names, files as text or base64.
import type { GitCommitRef, GitPullRequest, GitUserDate } from '../../../../azure/api/index.js';
import type { FileContent } from '../../../../repositories/browse-service.js';
import { fileContentJson } from '../../../../repositories/file-content-json.js';
import type { MirrorCommit } from '../../../../repositories/mirror-commits.js';
import type { MirrorRecord } from '../../../../store/mirrors-repo.js';
import type { Static } from '@sinclair/typebox';
import type { ApiCommit, ApiPullRequest, FileSchema, MirrorSummarySchema } from '../../../schemas/repository-schema.js';

const person = (p: GitUserDate | undefined) => ({ name: p?.name ?? '', email: p?.email ?? '', date: p?.date ?? '' });

const firstLine = (text: string | undefined): string => (text ?? '').split(/\r?\n/, 1)[0] ?? '';

/** `hidden` maps hidden commit ids (lower case) to when they were hidden. */
export function commitFromAzure(c: GitCommitRef, hidden: ReadonlyMap<string, string> = new Map()): ApiCommit {
  const at = hidden.get(c.commitId.toLowerCase());
  return {
    commitId: c.commitId,
    ...(c.parents ? { parents: c.parents } : {}),
    author: person(c.author),
    committer: person(c.committer),
    subject: firstLine(c.comment),
    ...(c.comment !== undefined ? { message: c.comment } : {}),
    hidden: at !== undefined,
    ...(at !== undefined ? { hiddenAt: at } : {}),
    ...(c.remoteUrl ? { webUrl: c.remoteUrl } : {}),
  };
}

export function commitFromMirror(c: MirrorCommit): ApiCommit {
  return {
    commitId: c.commitId,
    parents: c.parents,
    author: c.author,
    committer: c.committer,
    subject: c.subject,
    hidden: c.hidden,
    ...(c.hiddenAt !== undefined ? { hiddenAt: c.hiddenAt } : {}),
  };
}

const shortRef = (ref: string): string => ref.replace(/^refs\/heads\//, '');

export function pullRequestView(pr: GitPullRequest): ApiPullRequest {
  const web = pr.repository?.webUrl;
  return {
    pullRequestId: pr.pullRequestId,
    title: pr.title,
    ...(pr.description !== undefined ? { description: pr.description } : {}),
    status: pr.status,
    isDraft: pr.isDraft === true,
    ...(pr.mergeStatus !== undefined ? { mergeStatus: pr.mergeStatus } : {}),
    creationDate: pr.creationDate,
    ...(pr.closedDate !== undefined ? { closedDate: pr.closedDate } : {}),
    ...(pr.createdBy ? { createdBy: { id: pr.createdBy.id, displayName: pr.createdBy.displayName, uniqueName: pr.createdBy.uniqueName } } : {}),
    sourceRefName: pr.sourceRefName,
    targetRefName: pr.targetRefName,
    sourceBranch: shortRef(pr.sourceRefName),
    targetBranch: shortRef(pr.targetRefName),
    reviewers: (pr.reviewers ?? []).map((r) => ({ displayName: r.displayName, uniqueName: r.uniqueName, vote: r.vote, isRequired: r.isRequired })),
    ...(pr.lastMergeSourceCommit ? { lastMergeSourceCommit: { commitId: pr.lastMergeSourceCommit.commitId } } : {}),
    ...(pr.lastMergeTargetCommit ? { lastMergeTargetCommit: { commitId: pr.lastMergeTargetCommit.commitId } } : {}),
    ...(web ? { webUrl: `${web}/pullrequest/${pr.pullRequestId}` } : {}),
  };
}

/** The file as JSON, as the CLI's --json gives it. */
export function fileView(file: FileContent): Static<typeof FileSchema> {
  return fileContentJson(file);
}

export function mirrorSummary(record: MirrorRecord): Static<typeof MirrorSummarySchema> {
  return {
    status: record.status,
    partial: record.filter === 'blob:none',
    ...(record.lastFetchedAt ? { lastFetchedAt: record.lastFetchedAt } : {}),
    ...(record.lastAttemptAt ? { lastAttemptAt: record.lastAttemptAt } : {}),
    ...(record.lastError ? { lastError: record.lastError } : {}),
  };
}
