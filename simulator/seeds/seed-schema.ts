import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

// The seed document: what a YAML or JSON seed file may say. Unknown fields are errors, so a typo is reported
// instead of silently seeding less than the author meant.

const Opt = Type.Optional;
const strict = { additionalProperties: false } as const;

function oneOf<const T extends readonly string[]>(values: T) {
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<Array<TLiteral<T[number]>>>;
}

const Text = Type.String();
const Name = Type.String({ minLength: 1, maxLength: 64 });
const Names = Type.Array(Name);
// The characters Azure DevOps refuses in project and repository names, and no spaces at either end.
const ItemName = Type.String({
  pattern: '^(?! )[^\\\\/:*?"<>|;#$*{},+=\\[\\]]{1,64}(?<! )$',
  errorMessage: 'must be 1 to 64 characters without \\ / : * ? " < > | ; # $ { } , + = [ ] and without spaces at either end',
});
const Guid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', errorMessage: 'must be a GUID' });
const HostName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9-]{0,48}[A-Za-z0-9]?$',
  errorMessage: 'must be 1 to 50 letters, digits or hyphens, not starting or ending with a hyphen',
});
const Branch = Type.String({ minLength: 1, pattern: '^(?!-)[^\\s~^:?*\\[\\\\]+$', errorMessage: 'must be a branch name such as main or feature/login' });

const Author = Type.Object({ name: Name, email: Type.String({ minLength: 3 }) }, strict);
const Commit = Type.Object(
  {
    message: Type.String({ minLength: 1 }),
    /** Path to content; an existing path is edited, null deletes it. */
    files: Opt(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
    author: Opt(Author),
    date: Opt(Text),
  },
  strict,
);
const Commits = Type.Array(Commit);

const Submodule = Type.Object(
  {
    path: Type.String({ minLength: 1 }),
    repository: Name,
    /** Defaults to the project of the repository that holds the submodule. */
    project: Opt(Name),
    /** The URL written to .gitmodules; by default the relative URL Azure DevOps users write (../name). */
    url: Opt(Type.String({ minLength: 1 })),
  },
  strict,
);

const PullRequest = Type.Object(
  {
    source: Branch,
    target: Opt(Branch),
    title: Type.String({ minLength: 1, maxLength: 400 }),
    description: Opt(Text),
    status: Opt(oneOf(['active', 'completed', 'abandoned'] as const)),
    isDraft: Opt(Type.Boolean()),
    createdBy: Opt(Text),
  },
  strict,
);

const Repository = Type.Object(
  {
    name: ItemName,
    disabled: Opt(Type.Boolean()),
    defaultBranch: Opt(Branch),
    fromDirectory: Opt(Type.String({ minLength: 1 })),
    commits: Opt(Commits),
    generate: Opt(
      Type.Object(
        {
          commits: Type.Integer({ minimum: 1, maximum: 200_000 }),
          branch: Opt(Branch),
          files: Opt(Type.Integer({ minimum: 1, maximum: 10_000 })),
        },
        strict,
      ),
    ),
    submodules: Opt(Type.Array(Submodule)),
    branches: Opt(Type.Array(Type.Object({ name: Branch, from: Opt(Branch), commits: Opt(Commits) }, strict))),
    pullRequests: Opt(Type.Array(PullRequest)),
  },
  strict,
);

const Project = Type.Object(
  {
    name: ItemName,
    description: Opt(Text),
    visibility: Opt(oneOf(['private', 'public'] as const)),
    repositories: Opt(Type.Array(Repository)),
  },
  strict,
);
const Projects = Type.Array(Project);

const Organization = Type.Object(
  {
    name: HostName,
    tenantId: Opt(Guid),
    policies: Opt(Type.Object({ allowSsh: Opt(Type.Boolean()), allowOAuth: Opt(Type.Boolean()) }, strict)),
    projects: Opt(Projects),
  },
  strict,
);

const Collection = Type.Object(
  {
    name: HostName,
    // YAML reads 2022.1 unquoted as a number, hence the quotes in the message.
    serverVersion: Opt(
      Type.String({
        pattern: '^\\d{4}(\\.\\d+)?$',
        errorMessage: 'must be a release such as "2022.1" or "2020"',
        typeMessage: 'must be a release in quotes, such as "2022.1" or "2020"',
      }),
    ),
    /** What the server believes its public URL is, to emulate a misconfigured server. */
    publicUrl: Opt(Type.String({ pattern: '^https?://', errorMessage: 'must be an http:// or https:// URL' })),
    projects: Opt(Projects),
  },
  strict,
);

const Pat = Type.Object(
  {
    name: Name,
    /** 'app_token' (full access, the default) or space-separated vso.* scopes. */
    scope: Opt(
      Type.String({
        pattern: '^(app_token|vso\\.[a-z_]+( vso\\.[a-z_]+)*)$',
        errorMessage: "must be 'app_token' (full access) or space-separated scopes such as 'vso.code vso.build'",
      }),
    ),
    /** Organizations or collections it is valid for; all the user can reach when absent. */
    organizations: Opt(Names),
    expired: Opt(Type.Boolean()),
    validTo: Opt(Text),
  },
  strict,
);

const User = Type.Object(
  {
    name: Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', errorMessage: 'must be a sign-in name like an email address (someone@example.com)' }),
    displayName: Opt(Type.String({ minLength: 1 })),
    memberOf: Opt(Names),
    readerOf: Opt(Type.Array(Type.Object({ organization: Opt(Name), collection: Opt(Name), project: Name }, strict))),
    pats: Opt(Type.Array(Pat)),
    sshKey: Opt(Type.Boolean()),
  },
  strict,
);

const ServicePrincipal = Type.Object(
  { displayName: Type.String({ minLength: 1 }), tenantId: Opt(Guid), memberOf: Opt(Names) },
  strict,
);

export const SeedSchema = Type.Object(
  {
    $schema: Opt(Text),
    organizations: Opt(Type.Array(Organization)),
    collections: Opt(Type.Array(Collection)),
    users: Opt(Type.Array(User)),
    servicePrincipals: Opt(Type.Array(ServicePrincipal)),
  },
  strict,
);

export type SeedDocument = Static<typeof SeedSchema>;
export type SeedHost = Static<typeof Organization> | Static<typeof Collection>;
export type SeedProject = Static<typeof Project>;
export type SeedRepository = Static<typeof Repository>;
export type SeedCommit = Static<typeof Commit>;
export type SeedUser = Static<typeof User>;

/** A seed that cannot be applied; `problems` names every faulty field with its path, all at once. */
export class SeedError extends Error {
  constructor(
    readonly problems: string[],
    source?: string,
  ) {
    const where = source ? `The seed ${source}` : 'The seed';
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super(`${where} has ${count}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    // Our own annotations: the sentence a pattern (or type) failure shows instead of the pattern itself.
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'typeMessage', schemaType: 'string' });
    compiled = ajv.compile(SeedSchema as TSchema);
  }
  return compiled;
}

/**
 * Every structural mistake in the document, as `path: problem` lines. A valid document is recognised by TypeBox's
 * interpreter, which needs no compiling; ajv, whose compiled validator costs a few hundred milliseconds of startup,
 * is only built to explain a document that is wrong.
 */
export function schemaProblems(document: unknown): string[] {
  if (Value.Check(SeedSchema, document)) return [];
  const validate = validator();
  if (validate(document)) return [];
  return describeAll(validate.errors ?? []);
}

/** One line per mistake: a value matching no branch of a union is one mistake, not one per branch. */
function describeAll(errors: ErrorObject[]): string[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const insideUnion = (e: ErrorObject): boolean =>
    unions.some((u) => e !== u && e.instancePath === u.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`));
  return errors.filter((e) => !insideUnion(e)).map(describe);
}

/** JSON pointer /organizations/0/projects/1/name to organizations[0].projects[1].name, as users read it. */
export function fieldPath(pointer: string, child?: string): string {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out || '(document)';
}

const ARTICLE: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object', null: 'null',
};

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${fieldPath(e.instancePath, String(p['missingProperty']))}: is required`;
    case 'additionalProperty':
    case 'additionalProperties': {
      const field = String(p['additionalProperty']);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = known.find((k) => editDistance(k.toLowerCase(), field.toLowerCase()) <= 2);
      const hint = near ? `did you mean '${near}'?` : `known fields: ${known.join(', ')}`;
      return `${fieldPath(e.instancePath, field)}: is not a known field (${hint})`;
    }
    case 'type': {
      const message = (e.parentSchema as { typeMessage?: string } | undefined)?.typeMessage;
      if (message) return `${fieldPath(e.instancePath)}: ${message}`;
      const types = String(p['type']).split(',').map((t) => ARTICLE[t] ?? t);
      return `${fieldPath(e.instancePath)}: must be ${types.join(' or ')}`;
    }
    case 'anyOf': {
      const branches = e.schema as Array<{ const?: unknown; type?: string }>;
      if (branches.every((b) => b.const !== undefined)) return `${fieldPath(e.instancePath)}: must be one of ${branches.map((b) => `'${String(b.const)}'`).join(', ')}`;
      return `${fieldPath(e.instancePath)}: must be ${branches.map((b) => ARTICLE[b.type ?? ''] ?? b.type).join(' or ')}`;
    }
    case 'pattern': {
      const message = (e.parentSchema as { errorMessage?: string } | undefined)?.errorMessage;
      return `${fieldPath(e.instancePath)}: ${message ?? `must match ${String(p['pattern'])}`}`;
    }
    case 'minLength':
      return `${fieldPath(e.instancePath)}: ${p['limit'] === 1 ? 'must not be empty' : `must be at least ${String(p['limit'])} characters`}`;
    case 'maxLength':
      return `${fieldPath(e.instancePath)}: must be at most ${String(p['limit'])} characters`;
    case 'minimum':
    case 'maximum':
      return `${fieldPath(e.instancePath)}: must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p['limit'])}`;
    default:
      return `${fieldPath(e.instancePath)}: ${e.message ?? 'is not valid'}`;
  }
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
