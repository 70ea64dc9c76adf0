// Repositories in the API: projects, repositories with their selection and mirror, refs, commits (from the mirror or
// from Azure DevOps, in one shape), pull requests, trees, files and resolved URLs. Azure DevOps' own objects carry
// far more than a client needs; these schemas list what we return, and the serializer drops the rest.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from './common-schema.js';

const closed = { additionalProperties: false } as const;

export const RepositoryParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, description: 'The connection\'s id or name.' }),
  repo: Type.String({
    minLength: 1,
    maxLength: 600,
    description: 'The repository\'s id (a GUID), or "project/name" URL-encoded as one segment (Fabrikam%20Fiber%2Fweb).',
  }),
});

export const ProjectSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    visibility: Type.Optional(Type.String()),
    lastUpdateTime: Type.Optional(Type.String()),
  },
  { title: 'Project' },
);

const MirrorErrorSchema = Type.Object({ code: Type.String(), message: Type.String(), at: DateTime('When the fetch failed.') });

const mirrorFields = {
  status: Type.Union([Type.Literal('missing'), Type.Literal('ready'), Type.Literal('empty')], {
    description: 'missing: never fetched (or the first fetch failed); ready; empty: fetched, no commits yet.',
  }),
  partial: Type.Boolean({ description: 'A partial clone (blob:none): file contents are fetched when needed.' }),
  lastFetchedAt: Type.Optional(DateTime('When the last successful fetch ended.')),
  lastAttemptAt: Type.Optional(DateTime('When the last fetch was tried.')),
  lastError: Type.Optional(MirrorErrorSchema),
};

export const MirrorSummarySchema = Type.Object(mirrorFields, { title: 'MirrorSummary' });

export const MirrorInfoSchema = Type.Object(
  { repositoryId: Type.String(), project: Type.String(), name: Type.String(), ...mirrorFields },
  { title: 'Mirror' },
);

export const RepositorySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    project: Type.Object({ id: Type.String(), name: Type.String() }),
    state: Type.Union([Type.Literal('ok'), Type.Literal('empty'), Type.Literal('disabled')], {
      description: 'empty: no commits yet; disabled: its content cannot be read. Neither is an error.',
    }),
    defaultBranch: Type.Optional(Type.String({ description: 'Without refs/heads/; absent when empty.' })),
    size: Type.Optional(Type.Number()),
    remoteUrl: Type.Optional(Type.String({ description: 'HTTPS clone URL.' })),
    sshUrl: Type.Optional(Type.String()),
    webUrl: Type.Optional(Type.String()),
    selected: Type.Boolean({ description: 'Whether the connection\'s selection includes it.' }),
    mirror: Nullable(MirrorSummarySchema),
  },
  { title: 'Repository' },
);

const SelectedRepositorySchema = Type.Object({ id: Type.String(), project: Type.String(), name: Type.String() });

export const SelectionSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('all'), Type.Literal('list')], { description: 'all: every repository the credential reaches; list: only these.' }),
    repositories: Type.Array(SelectedRepositorySchema, { description: 'Empty in mode all.' }),
  },
  { title: 'RepositorySelection' },
);

const RepositoryNames = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), {
  maxItems: 1000,
  description: 'Each "project/name" or any URL of the repository.',
});

export const SelectionBodySchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('all'), Type.Literal('list')]),
    repositories: Type.Optional(RepositoryNames),
  },
  { ...closed, title: 'RepositorySelectionInput' },
);

export const SelectionChangeBodySchema = Type.Object({ repositories: RepositoryNames }, { ...closed, title: 'RepositorySelectionChange' });

export const RefSchema = Type.Object(
  {
    name: Type.String({ description: 'Short: main, feature/x, v1.0.' }),
    ref: Type.String({ description: 'Full: refs/heads/main.' }),
    commitId: Type.String(),
    isDefault: Type.Optional(Type.Boolean()),
  },
  { title: 'Ref' },
);

const PersonSchema = Type.Object({ name: Type.String(), email: Type.String(), date: Type.String({ description: 'ISO 8601.' }) });

export const CommitSchema = Type.Object(
  {
    commitId: Type.String(),
    parents: Type.Optional(Type.Array(Type.String())),
    author: PersonSchema,
    committer: PersonSchema,
    subject: Type.String({ description: 'The first line of the message.' }),
    message: Type.Optional(Type.String({ description: 'From Azure DevOps: the message (possibly shortened by it).' })),
    hidden: Type.Boolean({ description: 'Hidden from pickers (PUT .../hidden); listed only with includeHidden.' }),
    hiddenAt: Type.Optional(DateTime('When it was hidden.')),
    webUrl: Type.Optional(Type.String()),
  },
  { title: 'Commit' },
);
export type ApiCommit = Static<typeof CommitSchema>;

export const CommitsQuery = Type.Object({
  branch: Type.Optional(Type.String({ maxLength: 500, description: 'Default: the default branch.' })),
  author: Type.Optional(Type.String({ maxLength: 200, description: 'Name or e-mail (answered by Azure DevOps).' })),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Commits on or after this date (answered by Azure DevOps).' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Commits on or before this date (answered by Azure DevOps).' })),
  path: Type.Optional(Type.String({ maxLength: 2000, description: 'Commits touching this file or folder (answered by Azure DevOps).' })),
  includeHidden: Type.Optional(Type.Boolean({ default: false })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 2000 })),
});

export const CommitPageSchema = Type.Object(
  {
    items: Type.Array(CommitSchema),
    nextCursor: Nullable(Type.String()),
    source: Type.Union([Type.Literal('mirror'), Type.Literal('azure')], {
      description: 'mirror: read from the local mirror (fast); azure: asked of Azure DevOps (no mirror yet, or a filter only it answers).',
    }),
    ref: Type.String({ description: 'The branch listed.' }),
    empty: Type.Boolean({ description: 'The repository has no commits at all.' }),
    lastFetchedAt: Type.Optional(DateTime('From the mirror: when it was last fetched.')),
  },
  { title: 'CommitPage' },
);

export const HideResultSchema = Type.Object(
  { commitId: Type.String(), hidden: Type.Boolean(), changed: Type.Boolean({ description: 'False when it already was (or was not) hidden.' }) },
  { title: 'CommitHidden' },
);

const IdentitySchema = Type.Object({
  id: Type.Optional(Type.String()),
  displayName: Type.Optional(Type.String()),
  uniqueName: Type.Optional(Type.String()),
});

export const PullRequestSchema = Type.Object(
  {
    pullRequestId: Type.Integer(),
    title: Type.String(),
    description: Type.Optional(Type.String()),
    status: Type.Union([Type.Literal('notSet'), Type.Literal('active'), Type.Literal('abandoned'), Type.Literal('completed')]),
    isDraft: Type.Boolean(),
    mergeStatus: Type.Optional(Type.String()),
    creationDate: Type.String(),
    closedDate: Type.Optional(Type.String()),
    createdBy: Type.Optional(IdentitySchema),
    sourceRefName: Type.String(),
    targetRefName: Type.String(),
    sourceBranch: Type.String({ description: 'sourceRefName without refs/heads/.' }),
    targetBranch: Type.String(),
    reviewers: Type.Array(
      Type.Object({
        displayName: Type.Optional(Type.String()),
        uniqueName: Type.Optional(Type.String()),
        vote: Type.Optional(Type.Integer({ description: '10 approved, 5 with suggestions, 0 none, -5 waiting, -10 rejected.' })),
        isRequired: Type.Optional(Type.Boolean()),
      }),
    ),
    lastMergeSourceCommit: Type.Optional(Type.Object({ commitId: Type.String() })),
    lastMergeTargetCommit: Type.Optional(Type.Object({ commitId: Type.String() })),
    webUrl: Type.Optional(Type.String()),
  },
  { title: 'PullRequest' },
);
export type ApiPullRequest = Static<typeof PullRequestSchema>;

export const PullRequestDetailSchema = Type.Object(
  { pullRequest: PullRequestSchema, commits: Type.Array(CommitSchema) },
  { title: 'PullRequestWithCommits' },
);

const VersionSchema = Type.Object({ type: Type.Union([Type.Literal('branch'), Type.Literal('tag'), Type.Literal('commit')]), value: Type.String() });

const TreeEntrySchema = Type.Object({
  path: Type.String(),
  type: Type.Union([Type.Literal('file'), Type.Literal('folder'), Type.Literal('submodule'), Type.Literal('symlink')]),
  objectId: Type.String(),
});

export const TreeSchema = Type.Object(
  { path: Type.String(), version: VersionSchema, commitId: Type.String(), entries: Type.Array(TreeEntrySchema) },
  { title: 'Tree' },
);

export const FileSchema = Type.Object(
  {
    path: Type.String(),
    objectId: Type.String(),
    commitId: Type.String(),
    size: Type.Integer(),
    encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')], { description: 'utf8 when the bytes are UTF-8 text without NUL; else base64.' }),
    content: Type.String(),
  },
  { title: 'File' },
);

export const RefQuery = Type.Object({
  ref: Type.Optional(
    Type.String({ maxLength: 500, description: 'A branch name, refs/heads/x, refs/tags/x (or tags/x), or a full commit id. Default: the default branch.' }),
  ),
  path: Type.Optional(Type.String({ maxLength: 2000, description: 'From the repository root, e.g. /src/app.ts. Default /.' })),
});

export const FetchBodySchema = Type.Object(
  { filter: Type.Optional(Type.Literal('blob:none', { description: 'A partial clone: commits and trees now, file contents when needed.' })) },
  { ...closed, title: 'FetchRequest' },
);

export const SnapshotBodySchema = Type.Object(
  { ref: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Branch, tag or commit; default: the default branch.' })) },
  { ...closed, title: 'SnapshotRequest' },
);

export const ResolveBodySchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 4000, description: 'Any Azure DevOps URL of a repository or something in it (clone URL, branch, commit, file, pull request).' }),
    connection: Type.Optional(Type.String({ maxLength: 200, description: 'The connection to use (id or name), when several reach the URL.' })),
  },
  { ...closed, title: 'ResolveRequest' },
);

export const ResolvedSchema = Type.Object(
  {
    type: Type.Union([
      Type.Literal('repository'),
      Type.Literal('branch'),
      Type.Literal('tag'),
      Type.Literal('commit'),
      Type.Literal('file'),
      Type.Literal('folder'),
      Type.Literal('pullRequest'),
    ]),
    connection: Type.Object({ id: Type.String(), name: Type.String() }),
    repository: RepositorySchema,
    branch: Type.Optional(RefSchema),
    tag: Type.Optional(RefSchema),
    commit: Type.Optional(CommitSchema),
    version: Type.Optional(VersionSchema),
    file: Type.Optional(FileSchema),
    path: Type.Optional(Type.String({ description: 'folder: its path.' })),
    commitId: Type.Optional(Type.String({ description: 'folder: the commit it was read at.' })),
    entries: Type.Optional(Type.Array(TreeEntrySchema)),
    pullRequest: Type.Optional(PullRequestSchema),
    commits: Type.Optional(Type.Array(CommitSchema, { description: 'pullRequest: its commits.' })),
  },
  { title: 'ResolvedObject', description: 'What the URL names; which optional fields are present depends on type.' },
);
