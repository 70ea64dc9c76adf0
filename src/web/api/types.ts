// The API's shapes, named for the UI, all taken from the generated schema.d.ts (the service's OpenAPI document): when a
// route's schema changes, `npm run openapi` regenerates it and the compiler points at every page it affects.
import type { operations } from './schema.js';

type Op = keyof operations;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<O extends Op> = operations[O]['responses'];

/** The JSON body of an operation's success answer (200, 201 or 202). */
export type OkBody<O extends Op> =
  200 extends keyof Responses<O>
    ? JsonOf<Responses<O>[200]>
    : 201 extends keyof Responses<O>
      ? JsonOf<Responses<O>[201]>
      : 202 extends keyof Responses<O>
        ? JsonOf<Responses<O>[202]>
        : never;

/** The JSON body an operation takes. */
export type RequestBody<O extends Op> = JsonOf<NonNullable<operations[O]['requestBody']>>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

// ---- session, members, tokens ----
export type Session = OkBody<'getSession'>;
export type User = Session['user'];
export type Workspace = Session['workspace'];
export type WorkspaceRole = Workspace['role'];
export type Member = OkBody<'listMembers'>['items'][number];
export type Invitation = OkBody<'inviteMember'>;
export type SignInLink = OkBody<'createMemberSignInLink'>;
export type ApiToken = OkBody<'listApiTokens'>['items'][number];
export type NewApiToken = OkBody<'createApiToken'>;
export type NewApiTokenInput = RequestBody<'createApiToken'>;
export type TokenScope = ApiToken['scope'];

// ---- connections ----
export type Connection = OkBody<'getConnection'>;
export type ConnectionInput = RequestBody<'addConnection'>;
export type ConnectionChanges = RequestBody<'editConnection'>;
export type CredentialInput = ConnectionInput['credential'];
export type CredentialType = Connection['credential']['type'];
export type ConnectionTestResult = OkBody<'testConnection'>;
export type TestStreamLine = operations['testConnection']['responses'][200]['content']['application/x-ndjson'];
export type DoctorCheck = ConnectionTestResult['checks'][number];
export type DoctorReport = NonNullable<Connection['status']['lastTestResult']>;
export type HostKey = NonNullable<ConnectionTestResult['unconfirmedHostKey']>;
export type RemovalImpact = OkBody<'getConnectionRemovalImpact'>;
export type SshKeyPair = OkBody<'generateSshKey'>;

// ---- repositories ----
export type Project = OkBody<'listProjects'>['items'][number];
export type Repository = OkBody<'getRepository'>;
export type MirrorSummary = NonNullable<Repository['mirror']>;
export type MirrorInfo = OkBody<'getMirror'>;
export type Branch = OkBody<'listBranches'>['items'][number];
export type CommitPage = OkBody<'listCommits'>;
export type Commit = CommitPage['items'][number];
export type PullRequest = OkBody<'listPullRequests'>['items'][number];
export type PullRequestStatus = NonNullable<NonNullable<operations['listPullRequests']['parameters']['query']>['status']>;

// ---- jobs ----
export type Job = OkBody<'getJob'>;
export type JobState = Job['state'];
