import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { specsDirectory, type SpecArea } from './spec-documents.js';
import { validateResponse } from './spec-validator.js';

/**
 * The validator is only worth something if it passes what Azure DevOps really sends and fails what it does not:
 * the spec's own recorded examples are the first, hand-broken copies of them the second.
 */

interface Example {
  file: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
}

// Example folders of the operations the simulator serves.
const FOLDERS: Array<[SpecArea, string]> = [
  ['core', 'core/7.1/httpExamples/projects'],
  ['git', 'git/7.1/httpExamples/repositories'],
  ['git', 'git/7.1/httpExamples/refs'],
  ['git', 'git/7.1/httpExamples/commits'],
  ['git', 'git/7.1/httpExamples/commitsBatch'],
  ['git', 'git/7.1/httpExamples/items'],
  ['git', 'git/7.1/httpExamples/pushes'],
  ['git', 'git/7.1/httpExamples/pullRequests'],
  ['profile', 'profile/7.1/httpExamples/profiles'],
  ['account', 'account/7.1/httpExamples/accounts'],
];

/** Examples that contradict their own schema or are not REST calls; each reason was checked by hand. */
const NOT_CONFORMING: Record<string, string> = {
  'GET__git_repositories__remoteurl.json': 'a git web URL (/_git/{repo}/vsts/info), not a REST operation',
  'PATCH__git_repositories__disable_.json': "answers with 'type' and 'RenamedRepository', which GitRepository does not declare",
  'PATCH__git_repositories__project_.json': "answers with 'type', which GitRepository does not declare",
  'PATCH__git_repositories__repositoryId_.json': "answers with 'type', which GitRepository does not declare",
  'POST__git_repositories_fork.json': 'project.defaultTeamImageUrl is null where the schema says string',
  'POST__git_repositories_fork_source_ref.json': 'project.defaultTeamImageUrl is null where the schema says string',
  'GET__git_repositories__repositoryId__pushes__pushId__commits.json': 'an api-version 1.0 route (pushes/{id}/commits) the 7.1 spec no longer has',
};

function examples(folder: string): Example[] {
  const dir = path.join(specsDirectory(), folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !(f in NOT_CONFORMING))
    .flatMap((file) => {
      const doc = JSON.parse(readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, '')) as {
        'x-ms-vss-request-url': string;
        'x-ms-vss-request-method'?: string;
        responses: Record<string, { body?: unknown }>;
      };
      const url = new URL(doc['x-ms-vss-request-url']);
      // Older (migrated) examples name the method only in the file name.
      const method = doc['x-ms-vss-request-method'] ?? file.split('_')[0]!;
      return Object.entries(doc.responses).map(([status, r]) => ({ file, method, path: url.pathname + url.search, status: Number(status), body: r.body }));
    });
}

const pullRequest = {
  repository: { id: '3411ebc1-d5aa-464f-9615-0b527bc66719', name: 'web', url: 'https://dev.azure.com/fabrikam/_apis/git/repositories/3411ebc1-d5aa-464f-9615-0b527bc66719' },
  pullRequestId: 20,
  status: 'active',
  creationDate: '2016-11-01T16:28:08.8900118Z',
  title: 'Add a readme',
  sourceRefName: 'refs/heads/feature',
  targetRefName: 'refs/heads/main',
  mergeStatus: 'succeeded',
  reviewers: [],
};
const PR_PATH = '/fabrikam/Fiber%20Web/_apis/git/repositories/web/pullrequests/20';
const pr = (body: unknown) => validateResponse({ area: 'git', method: 'GET', path: PR_PATH, status: 200, body });

describe('validateResponse against the official 7.1 specs', () => {
  for (const [area, folder] of FOLDERS) {
    it(`accepts the spec's own recorded responses in ${folder}`, () => {
      const failures = examples(folder)
        .map((ex) => ({ ex, result: validateResponse({ area, method: ex.method, path: ex.path, status: ex.status, body: ex.body }) }))
        .filter(({ result }) => result.errors.length > 0)
        .map(({ ex, result }) => `${ex.file} (${result.operationId}):\n  ${result.errors.join('\n  ')}`);
      expect(failures.join('\n')).toBe('');
    });
  }

  it('accepts a well-formed pull request and names its operation', () => {
    expect(pr(pullRequest)).toEqual({ operationId: 'Pull Requests_Get Pull Request', errors: [] });
  });

  it('reports a misspelled field with its path', () => {
    const { errors } = pr({ ...pullRequest, repository: { ...pullRequest.repository, projct: {} } });
    expect(errors).toEqual([expect.stringMatching(/^repository\.projct: property 'projct' is not declared by GitRepository/)]);
  });

  it('reports a value outside an enum', () => {
    expect(pr({ ...pullRequest, status: 'open' }).errors).toEqual(['status: "open" is not one of notSet, active, abandoned, completed, all']);
  });

  it('reports wrong types, non-integers and malformed dates', () => {
    const { errors } = pr({ ...pullRequest, pullRequestId: '20', codeReviewId: 1.5, creationDate: '2016-11-01 16:28' });
    expect(errors).toEqual([
      'codeReviewId: must be integer (got 1.5)',
      'codeReviewId: must match format "int32" (got 1.5)',
      expect.stringMatching(/^creationDate: must match format "date-time"/),
      expect.stringMatching(/^pullRequestId: must be integer/),
    ]);
  });

  it('checks _links as a dictionary of {href}', () => {
    expect(pr({ ...pullRequest, _links: { self: { href: 'x' }, web: 'x' } }).errors).toEqual(['_links.web: must be object (got "x")']);
    expect(pr({ ...pullRequest, _links: { self: { hrf: 'x' } } }).errors).toEqual([
      "_links.self: must have required property 'href' (got {\"hrf\":\"x\"})",
      "_links.self: property 'hrf' is not allowed",
    ]);
  });

  it('validates the value of a {count, value} list and its count', () => {
    const path = '/fabrikam/_apis/git/repositories/web/pullrequests';
    const ok = validateResponse({ area: 'git', method: 'GET', path, status: 200, body: { count: 1, value: [pullRequest] } });
    expect(ok).toEqual({ operationId: 'Pull Requests_Get Pull Requests', errors: [] });
    const bad = validateResponse({ area: 'git', method: 'GET', path, status: 200, body: { count: 2, value: [{ ...pullRequest, isDraft: 'no' }], next: 1 } });
    expect(bad.errors).toEqual([
      "next: property 'next' is not part of the {count, value} list envelope",
      'count: 2 does not equal value.length 1',
      expect.stringMatching(/^value\[0\]\.isDraft: must be boolean/),
    ]);
  });

  it('matches organization-level, project-level and /tfs paths of git operations', () => {
    for (const p of ['/fabrikam/_apis/git/repositories/web/refs', '/fabrikam/My%20Project/_apis/git/repositories/web/refs', '/tfs/DefaultCollection/P/_apis/git/repositories/web/refs']) {
      expect(validateResponse({ area: 'git', method: 'GET', path: p, status: 200, body: { count: 0, value: [] } }).operationId).toBe('Refs_List');
    }
  });

  it('picks among operations sharing a path by the query parameters present', () => {
    const op = (method: string, p: string) => validateResponse({ area: 'git', method, path: p, status: 200, body: {} }).operationId;
    const repo = '/fabrikam/P/_apis/git/repositories/web';
    expect(op('GET', `${repo}/commits?searchCriteria.itemVersion.version=main`)).toBe('Commits_Get Commits');
    expect(op('GET', `${repo}/commits`)).toBe('Commits_Get Commits');
    expect(op('GET', `${repo}/commits?pushId=3`)).toBe('Commits_Get Push Commits');
    expect(op('GET', `${repo}/items?path=/README.md`)).toBe('Items_Get');
    expect(op('GET', `${repo}/items?scopePath=/`)).toBe('Items_List');
    expect(op('GET', `${repo}?includeParent=true`)).toBe('Repositories_Get Repository With Parent');
    expect(op('GET', repo)).toBe('Repositories_Get Repository');
    expect(op('POST', `${repo}/commitsbatch`)).toBe('Commits_Get Commits Batch');
    expect(op('GET', '/fabrikam/P/_apis/git/pullRequests/7')).toBe('Pull Requests_Get Pull Request By Id');
    expect(validateResponse({ area: 'git', method: 'GET', path: `${repo}/commits`, status: 200, body: [], operationId: 'Commits_Get Push Commits' }).operationId).toBe(
      'Commits_Get Push Commits',
    );
  });

  it('accepts a 201 where the spec declares only 200, and rejects an undeclared error status', () => {
    const path = '/fabrikam/P/_apis/git/repositories/web/pullrequests';
    expect(validateResponse({ area: 'git', method: 'POST', path, status: 201, body: pullRequest }).errors).toEqual([]);
    expect(validateResponse({ area: 'git', method: 'POST', path, status: 404, body: {} }).errors).toEqual([
      '(status): Pull Requests_Create does not declare status 404 (declared: 200)',
    ]);
  });

  it('reports a request that matches no operation', () => {
    expect(validateResponse({ area: 'git', method: 'GET', path: '/fabrikam/_apis/git/nothing', status: 200, body: {} })).toEqual({
      operationId: '(none)',
      errors: ['no git operation matches GET /fabrikam/_apis/git/nothing'],
    });
  });
});
