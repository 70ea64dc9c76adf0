// Connections in the API: what a caller sends to add or edit one (the library's ConnectionInput and ConnectionChanges)
// and what comes back (the library's ConnectionView, which holds no secret). Responses are serialized through these
// schemas, so a field not listed here never leaves the service.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Nullable } from './common-schema.js';

// ---- input ----

const closed = { additionalProperties: false } as const;

/** Secrets are optional here: required when adding (the library says which is missing), kept when editing. */
export const CredentialInputSchema = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('pat'),
        token: Type.Optional(Type.String({ description: 'The personal access token. Write-only.' })),
        expiresAt: Type.Optional(Nullable(Type.String({ description: 'When the PAT expires (e.g. 2026-03-14); null clears.' }))),
      },
      { ...closed, title: 'PatCredentialInput' },
    ),
    Type.Object(
      {
        type: Type.Literal('ssh'),
        privateKey: Type.Optional(Type.String({ description: 'RSA private key (OpenSSH, PEM or PKCS#8). Write-only.' })),
        passphrase: Type.Optional(Type.String({ description: 'Unlocks an encrypted key once; never stored. Write-only.' })),
        registeredAt: Type.Optional(Nullable(Type.String({ description: 'When the public key was registered in Azure DevOps (it expires a year later).' }))),
      },
      { ...closed, title: 'SshCredentialInput' },
    ),
    Type.Object(
      {
        type: Type.Literal('servicePrincipal'),
        tenantId: Type.Optional(Type.String()),
        clientId: Type.Optional(Type.String()),
        clientSecret: Type.Optional(Type.String({ description: 'The secret\'s value (not its id). Write-only.' })),
        authority: Type.Optional(Nullable(Type.String({ description: 'Default https://login.microsoftonline.com.' }))),
      },
      { ...closed, title: 'ServicePrincipalCredentialInput' },
    ),
  ],
  { title: 'CredentialInput' },
);

const CustomHeaderInputSchema = Type.Object(
  {
    name: Type.String(),
    value: Type.Optional(Type.String({ description: 'Required, except when editing a secret header: left out, its stored value is kept.' })),
    secret: Type.Optional(Type.Boolean({ default: false, description: 'A secret value is write-only (e.g. a Cloudflare Access client secret).' })),
  },
  closed,
);

const inputFields = {
  name: Type.String({ description: 'Unique in the workspace; up to 100 characters.' }),
  description: Type.Optional(Type.String()),
  labels: Type.Optional(Type.Array(Type.String())),
  url: Type.String({ description: 'Any URL of the organization (https://dev.azure.com/{org}) or Server collection (https://{server}/{collection}).' }),
  kind: Type.Optional(Type.Union([Type.Literal('services'), Type.Literal('server')], { description: 'An assertion: refused when the URL says otherwise.' })),
  credential: CredentialInputSchema,
  customHeaders: Type.Optional(Type.Array(CustomHeaderInputSchema, { description: 'Sent with every request (e.g. for a proxy).' })),
  tls: Type.Optional(Type.Object({ caBundle: Type.Optional(Nullable(Type.String({ description: 'PEM certificates of a private CA (Server only); null clears.' }))) }, closed)),
  ssh: Type.Optional(
    Type.Object(
      {
        port: Type.Optional(Nullable(Type.Integer({ description: 'Server only; default 22.' }))),
        knownHosts: Type.Optional(Nullable(Type.String({ description: 'Pinned OpenSSH known_hosts lines.' }))),
      },
      closed,
    ),
  ),
};

export const ConnectionInputSchema = Type.Object(inputFields, { ...closed, title: 'ConnectionInput' });
export type ConnectionInputBody = Static<typeof ConnectionInputSchema>;

export const ConnectionChangesSchema = Type.Object(
  {
    ...Type.Partial(Type.Object(inputFields)).properties,
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version you read: if the connection changed since, nothing is saved (409 AZDO_STORE_CONFLICT).' }),
    ),
  },
  { ...closed, title: 'ConnectionChanges' },
);
export type ConnectionChangesBody = Static<typeof ConnectionChangesSchema>;

// ---- output ----

const DeploymentSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('services'), Type.Literal('server')]),
    organization: Type.Optional(Type.String({ description: 'Services.' })),
    host: Type.Optional(Type.String({ description: 'Services: dev.azure.com or visualstudio.com.' })),
    origin: Type.Optional(Type.String({ description: 'Server: https://host[:port].' })),
    virtualDirectory: Type.Optional(Type.String({ description: 'Server: "" or e.g. /tfs.' })),
    collection: Type.Optional(Type.String({ description: 'Server.' })),
  },
  { title: 'Deployment' },
);

/** The credential without its secrets: which fields are present depends on `type`. */
const PublicCredentialSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('pat'), Type.Literal('ssh'), Type.Literal('servicePrincipal')]),
    tokenFingerprint: Type.Optional(Type.String({ description: 'PAT: "…" and 6 hex characters of its SHA-256, to tell tokens apart.' })),
    expiresAt: Type.Optional(DateTime('PAT and SSH key: when it stops working, if known.')),
    publicKey: Type.Optional(Type.String({ description: 'SSH: the line registered in Azure DevOps.' })),
    fingerprint: Type.Optional(Type.String({ description: 'SSH: SHA256:...' })),
    registeredAt: Type.Optional(DateTime('SSH: when the public key was registered.')),
    tenantId: Type.Optional(Type.String({ description: 'Service principal.' })),
    clientId: Type.Optional(Type.String({ description: 'Service principal.' })),
    authority: Type.Optional(Type.String({ description: 'Service principal.' })),
  },
  { title: 'PublicCredential' },
);

export const DoctorCheckSchema = Type.Object(
  {
    id: Type.String({ description: 'Which check, e.g. "dns", "pat-scopes".' }),
    code: Type.String({ description: 'AZDO_OK when it passed; otherwise the code in docs/errors.md.' }),
    status: Type.Union([Type.Literal('pass'), Type.Literal('warn'), Type.Literal('fail'), Type.Literal('skip')]),
    durationMs: Type.Number(),
    message: Type.String(),
    hint: Type.Optional(Type.String()),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'DoctorCheck' },
);

const HostKeySchema = Type.Object(
  {
    host: Type.String(),
    port: Type.Integer(),
    fingerprint: Type.String({ description: 'SHA256:...; send it back as confirmHostKey to pin the key.' }),
    knownHostsLine: Type.String(),
  },
  { title: 'SshHostKey' },
);

const FeaturesSchema = Type.Object(
  {
    readCode: Type.Optional(Type.Boolean()),
    writeCode: Type.Optional(Type.Boolean()),
    builds: Type.Optional(Type.Boolean()),
    workItems: Type.Optional(Type.Boolean()),
    serviceHooks: Type.Optional(Type.Boolean()),
  },
  { title: 'FeatureAccess', description: 'What the credential was seen to allow; absent: not probed.' },
);

export const DoctorReportSchema = Type.Object(
  {
    ok: Type.Boolean({ description: 'No check failed.' }),
    checks: Type.Array(DoctorCheckSchema),
    features: FeaturesSchema,
    requests: Type.Integer(),
    durationMs: Type.Number(),
    credentialExpiresAt: Type.Optional(DateTime('When the credential expires, as the test learnt it.')),
    unconfirmedHostKey: Type.Optional(HostKeySchema),
  },
  { title: 'DoctorReport' },
);

export const ConnectionViewSchema = Type.Object(
  {
    id: Type.String(),
    workspaceId: Type.String(),
    name: Type.String(),
    description: Type.String(),
    labels: Type.Array(Type.String()),
    kind: Type.Union([Type.Literal('services'), Type.Literal('server')]),
    deployment: DeploymentSchema,
    url: Type.String({ description: 'The canonical organization or collection URL.' }),
    credential: PublicCredentialSchema,
    customHeaders: Type.Array(
      Type.Object({
        name: Type.String(),
        secret: Type.Boolean(),
        value: Type.Optional(Type.String({ description: 'Only for headers that are not secret.' })),
      }),
    ),
    tls: Type.Object({ caBundle: Type.Optional(Type.String()) }),
    ssh: Type.Object({ port: Type.Optional(Type.Integer()), knownHosts: Type.Optional(Type.String()) }),
    status: Type.Object({
      lastTest: Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('never')], { description: 'For a badge.' }),
      lastTestAt: Type.Optional(DateTime('When the connection was last tested.')),
      lastTestOk: Type.Optional(Type.Boolean()),
      credentialExpiresAt: Type.Optional(DateTime('When the credential stops working, if known: for an expiry countdown.')),
      lastTestResult: Type.Optional(DoctorReportSchema),
    }),
    version: Type.Integer({ description: 'Send it back with an edit (PATCH) to refuse the edit if someone changed the connection meanwhile.' }),
    createdAt: DateTime('When the connection was added.'),
    updatedAt: DateTime('When it last changed.'),
  },
  { title: 'Connection' },
);

export const ConnectionTestBodySchema = Type.Object(
  {
    confirmHostKey: Type.Optional(
      Type.String({ maxLength: 200, description: 'The SHA256 fingerprint of an SSH host key a previous test reported unconfirmed: it is pinned, then the checks run again.' }),
    ),
  },
  { ...closed, title: 'ConnectionTestRequest' },
);

/** A test's answer: the doctor's report, with the connection as the test left it and what became of a host key. */
export const ConnectionTestResultSchema = Type.Object(
  {
    ...DoctorReportSchema.properties,
    ok: Type.Boolean({ description: 'No check failed (and a host key given to confirm matched).' }),
    connection: ConnectionViewSchema,
    pinnedHostKey: Type.Optional(HostKeySchema),
    hostKeyMismatch: Type.Optional(
      Type.Object({ expected: Type.String(), seen: Type.String() }, { description: 'confirmHostKey named another key than the host presented; nothing was pinned.' }),
    ),
  },
  { title: 'ConnectionTestResult' },
);

export const RemovalImpactSchema = Type.Object(
  {
    connection: Type.Object({ id: Type.String(), name: Type.String(), url: Type.String(), version: Type.Integer() }),
    credentialType: Type.Union([Type.Literal('pat'), Type.Literal('ssh'), Type.Literal('servicePrincipal')]),
    consequence: Type.String({ description: 'What stops working, in a sentence to show beside the confirmation.' }),
    selection: Type.Object({
      mode: Type.Union([Type.Literal('all'), Type.Literal('list')]),
      selectedRepositories: Nullable(Type.Integer({ description: 'In list mode; null when every repository is allowed.' })),
    }),
    mirrors: Type.Object({ count: Type.Integer(), diskBytes: Type.Integer({ description: 'Removed from disk with the connection.' }) }),
    jobs: Type.Object({ queued: Type.Integer(), running: Type.Integer() }, { description: 'Fetches and snapshots of this connection not finished yet: they are cancelled.' }),
  },
  { title: 'ConnectionRemovalImpact' },
);

export const ConnectionRemovedSchema = Type.Object(
  {
    removed: Type.Object({ id: Type.String(), name: Type.String(), url: Type.String() }),
    mirrorsRemoved: Type.Integer(),
    jobsCancelled: Type.Integer(),
    consequence: Type.String(),
  },
  { title: 'ConnectionRemoved' },
);

export const SshKeyRequestSchema = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 200, description: 'The public key\'s comment; default "azdo-connect".' })) },
  { ...closed, title: 'SshKeyRequest' },
);

export const SshKeyPairSchema = Type.Object(
  {
    publicKey: Type.String({ description: 'Paste into Azure DevOps: User settings > SSH public keys.' }),
    privateKey: Type.String({ description: 'OpenSSH format, unencrypted. Shown once and never stored by the service: give it back in credential.privateKey.' }),
    fingerprint: Type.String(),
    bits: Type.Integer(),
    expiresAt: DateTime('A year from now: when Azure DevOps stops accepting a key registered today.'),
  },
  { title: 'SshKeyPair' },
);
