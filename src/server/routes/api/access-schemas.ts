// The shapes of access control's API: users, workspaces, members, API tokens, sessions.
import { Type } from '@sinclair/typebox';

export const ProblemRef = Type.Ref('Problem');

/** Error answers every access route may give. */
export const problemResponses = { '4xx': ProblemRef, '5xx': ProblemRef } as const;

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('member')], { description: 'admin: also members and API tokens; member: connections and repositories.' });
export const Scope = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')], {
  description: 'read: GET only; write: also changes connections and repositories and runs jobs; admin: also members and API tokens.',
});

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    isAdmin: Type.Boolean({ description: 'An administrator of the whole service: every workspace, and creating workspaces.' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'User' },
);

export const WorkspaceSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    role: Role,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Workspace' },
);

export const MemberSchema = Type.Object(
  {
    userId: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: Role,
    addedAt: Type.String({ format: 'date-time' }),
  },
  { title: 'Member' },
);

export const ApiTokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the token, to tell tokens apart.' }),
    scope: Scope,
    createdBy: Type.String({ description: 'E-mail of the user who created it.' }),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'ApiToken' },
);

export const SignInLinkSchema = Type.Object(
  {
    signInUrl: Type.String({ description: 'Open once to sign in. Hand it over privately: it signs its holder in as that user.' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { title: 'SignInLink' },
);

export const UserIdParams = Type.Object({ userId: Type.String({ minLength: 1, maxLength: 100 }) });
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
