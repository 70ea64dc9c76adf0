import { AdoErrors } from '../http/ado-errors.js';
import type { CreatePullRequestInput, UpdatePullRequestInput } from '../services/pull-requests.js';

/**
 * Bodies of `POST` and `PATCH .../pullrequests` turned into the service's inputs. The official clients send enums
 * as numbers (PullRequestStatus, GitPullRequestMergeStrategy) and some callers send booleans as strings (the spec's
 * own auto-complete example does), so both forms are read.
 */

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const STATUSES: Record<string, UpdatePullRequestInput['status'] | 'notSet'> = {
  '0': 'notSet', notset: 'notSet', '1': 'active', active: 'active', '2': 'abandoned', abandoned: 'abandoned', '3': 'completed', completed: 'completed',
};
const STRATEGIES: Record<string, 'noFastForward' | 'squash' | 'rebase' | 'rebaseMerge'> = {
  '1': 'noFastForward', nofastforward: 'noFastForward', '2': 'squash', squash: 'squash', '3': 'rebase', rebase: 'rebase', '4': 'rebaseMerge', rebasemerge: 'rebaseMerge',
};

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw AdoErrors.invalidArgumentValue(name);
  return v;
}

function optionalBool(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw AdoErrors.invalidArgumentValue(name);
}

export function parseCreatePullRequest(body: unknown): CreatePullRequestInput {
  if (!isObject(body)) throw AdoErrors.invalidArgumentValue('gitPullRequestToCreate', 'The request body must be a pull request.');
  const reviewers = body['reviewers'] ?? [];
  if (!Array.isArray(reviewers)) throw AdoErrors.invalidArgumentValue('reviewers');
  const description = optionalString(body, 'description');
  const isDraft = optionalBool(body, 'isDraft');
  return {
    sourceRefName: optionalString(body, 'sourceRefName') ?? '',
    targetRefName: optionalString(body, 'targetRefName') ?? '',
    title: optionalString(body, 'title') ?? '',
    ...(description !== undefined ? { description } : {}),
    ...(isDraft !== undefined ? { isDraft } : {}),
    reviewers: reviewers.map((r, i) => {
      if (!isObject(r) || typeof r['id'] !== 'string') throw AdoErrors.invalidArgumentValue(`reviewers[${i}].id`);
      const vote = r['vote'];
      if (vote !== undefined && typeof vote !== 'number') throw AdoErrors.invalidArgumentValue(`reviewers[${i}].vote`);
      const isRequired = optionalBool(r, 'isRequired');
      return { id: r['id'], ...(vote !== undefined ? { vote } : {}), ...(isRequired ? { isRequired } : {}) };
    }),
  };
}

export function parseUpdatePullRequest(body: unknown): { input: UpdatePullRequestInput; completionOptions?: Record<string, unknown> } {
  if (!isObject(body)) throw AdoErrors.invalidArgumentValue('gitPullRequestToUpdate', 'The request body must be a pull request.');
  const input: UpdatePullRequestInput = {};
  const title = optionalString(body, 'title');
  const description = optionalString(body, 'description');
  const isDraft = optionalBool(body, 'isDraft');
  if (title !== undefined) input.title = title;
  if (description !== undefined) input.description = description;
  if (isDraft !== undefined) input.isDraft = isDraft;

  if (body['status'] !== undefined && body['status'] !== null) {
    const status = STATUSES[String(body['status']).toLowerCase()];
    if (!status) throw AdoErrors.invalidArgumentValue('status', `'${String(body['status'])}' is not a status a pull request can be set to.`);
    if (status !== 'notSet') input.status = status;
  }

  const last = body['lastMergeSourceCommit'];
  if (last !== undefined && last !== null) {
    if (!isObject(last) || typeof last['commitId'] !== 'string') throw AdoErrors.invalidArgumentValue('lastMergeSourceCommit');
    input.lastMergeSourceCommitId = last['commitId'];
  }

  const options = body['completionOptions'];
  if (options === undefined || options === null) return { input };
  if (!isObject(options)) throw AdoErrors.invalidArgumentValue('completionOptions');
  const squashMerge = optionalBool(options, 'squashMerge');
  const deleteSourceBranch = optionalBool(options, 'deleteSourceBranch');
  const mergeCommitMessage = optionalString(options, 'mergeCommitMessage');
  let strategy: (typeof STRATEGIES)[string] | undefined;
  if (options['mergeStrategy'] !== undefined && options['mergeStrategy'] !== null) {
    strategy = STRATEGIES[String(options['mergeStrategy']).toLowerCase()];
    if (!strategy) throw AdoErrors.invalidArgumentValue('completionOptions.mergeStrategy');
    if (strategy === 'rebase' || strategy === 'rebaseMerge') {
      throw AdoErrors.invalidArgumentValue(
        'completionOptions.mergeStrategy',
        `The simulator completes pull requests with noFastForward or squash; '${strategy}' is not simulated.`,
      );
    }
  }
  input.squash = strategy === 'squash' || (strategy === undefined && squashMerge === true);
  if (deleteSourceBranch !== undefined) input.deleteSourceBranch = deleteSourceBranch;
  if (mergeCommitMessage !== undefined) input.mergeCommitMessage = mergeCommitMessage;
  return {
    input,
    completionOptions: {
      ...(mergeCommitMessage !== undefined ? { mergeCommitMessage } : {}),
      ...(deleteSourceBranch !== undefined ? { deleteSourceBranch } : {}),
      ...(squashMerge !== undefined ? { squashMerge } : {}),
      ...(strategy ? { mergeStrategy: strategy } : {}),
    },
  };
}
