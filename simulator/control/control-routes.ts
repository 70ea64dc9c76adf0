import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { ControlError } from './control-error.js';
import { GitRepoError } from '../git/git-repo-error.js';
import { SimulatorControl } from './simulator-control.js';
import { controlPullRequestRoutes } from './control-pull-request-routes.js';
import { stateSummary } from './state-summary.js';

const Str = Type.String();
const Opt = Type.Optional;

export const ControlSchemas = {
  organization: Type.Object({ name: Str, tenantId: Opt(Str) }, { additionalProperties: false }),
  collection: Type.Object({ name: Str, serverVersion: Opt(Str), publicUrl: Opt(Str) }, { additionalProperties: false }),
  policies: Type.Object({ allowSsh: Opt(Type.Boolean()), allowOAuth: Opt(Type.Boolean()) }, { additionalProperties: false }),
  project: Type.Object({ name: Str, description: Opt(Str), visibility: Opt(Type.Union([Type.Literal('private'), Type.Literal('public')])) }, { additionalProperties: false }),
  repository: Type.Object(
    { name: Str, fromDirectory: Opt(Str), isDisabled: Opt(Type.Boolean()), defaultBranch: Opt(Str) },
    { additionalProperties: false },
  ),
  repositoryPatch: Type.Object({ name: Opt(Str), isDisabled: Opt(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
  push: Type.Object(
    {
      branch: Str,
      from: Opt(Str),
      pushedBy: Opt(Str),
      commits: Type.Array(
        Type.Object(
          {
            message: Str,
            author: Opt(Type.Object({ name: Str, email: Str, date: Opt(Str) }, { additionalProperties: false })),
            files: Opt(Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]))),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
  user: Type.Object({ uniqueName: Str, displayName: Opt(Str), hosts: Opt(Type.Array(Str)) }, { additionalProperties: false }),
  member: Type.Object({ identityId: Str, project: Opt(Str) }, { additionalProperties: false }),
  pat: Type.Object(
    { displayName: Opt(Str), scope: Opt(Str), hosts: Opt(Type.Array(Str)), allOrgs: Opt(Type.Boolean()), validTo: Opt(Str), token: Opt(Str) },
    { additionalProperties: false },
  ),
  sshKey: Type.Object({ publicKey: Str, displayName: Opt(Str), hosts: Opt(Type.Array(Str)), validTo: Opt(Str) }, { additionalProperties: false }),
  servicePrincipal: Type.Object({ displayName: Str, tenantId: Opt(Str), hosts: Opt(Type.Array(Str)) }, { additionalProperties: false }),
  throttling: Type.Object(
    {
      enabled: Opt(Type.Boolean()),
      limit: Opt(Type.Number({ minimum: 0 })),
      blockAt: Opt(Type.Number({ minimum: 0 })),
      costPerRequest: Opt(Type.Number({ minimum: 0 })),
      windowSeconds: Opt(Type.Number({ exclusiveMinimum: 0 })),
      delaySeconds: Opt(Type.Number({ minimum: 0, maximum: 30 })),
      sleep: Opt(Type.Boolean()),
      resource: Opt(Str),
    },
    { additionalProperties: false },
  ),
  fault: Type.Object(
    {
      method: Opt(Str),
      path: Str,
      latencyMs: Opt(Type.Integer({ minimum: 0, maximum: 120_000 })),
      status: Opt(Type.Integer({ minimum: 400, maximum: 599 })),
      reset: Opt(Type.Boolean()),
      times: Opt(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
};

type Params = Record<string, string>;

/**
 * Turns each commit's `{"/a.txt": "content", "/b.txt": null}` into git changes: null deletes, a path that exists at
 * that point of the push (on the branch or added by an earlier commit of the same push) is edited.
 */
async function filesToChanges(ctx: SimulatorContext, control: SimulatorControl, p: Params, branch: string, from: string | undefined, commits: Array<Record<string, string | null>>) {
  const { repository } = control.repository(p['host']!, p['project']!, p['repo']!);
  const git = ctx.repos.git(repository);
  const start = from ?? (await git.defaultBranch());
  const tip = (await git.resolve(`refs/heads/${branch.replace(/^refs\/heads\//, '')}`)) ?? (start ? await git.resolve(start) : undefined);
  const exists = new Map<string, boolean>();
  const existsNow = async (file: string): Promise<boolean> => {
    if (!exists.has(file)) exists.set(file, tip ? (await git.objectType(tip, file)) !== undefined : false);
    return exists.get(file)!;
  };
  const result = [];
  for (const files of commits) {
    const changes = [];
    for (const [file, content] of Object.entries(files)) {
      if (content === null) changes.push({ changeType: 'delete' as const, path: file });
      else changes.push({ changeType: (await existsNow(file)) ? ('edit' as const) : ('add' as const), path: file, content: Buffer.from(content) });
      exists.set(file, content !== null);
    }
    result.push(changes);
  }
  return result;
}

/**
 * The control API under `/_simulator`: everything SimulatorControl does, over HTTP, for scripts and for tests in
 * other languages. Bodies are checked against schemas that reject unknown fields and name the field at fault.
 */
export async function controlRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const control = new SimulatorControl(ctx);

  app.setErrorHandler(async (error, _request, reply) => {
    if (error instanceof ControlError) return reply.code(error.status).send(error.toJSON());
    // A change git refuses (an add of an existing file, an edit of a missing one) is the caller's mistake.
    if (error instanceof GitRepoError) return reply.code(400).send({ error: 'invalid_input', field: 'commits', message: error.message });
    const e = error as { validation?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>; statusCode?: number; message: string };
    if (e.validation) {
      const errors = e.validation.map((v) => {
        const extra = v.params?.['additionalProperty'];
        const field = `${v.instancePath.replace(/^\//, '').replace(/\//g, '.')}${extra ? `${v.instancePath ? '.' : ''}${String(extra)}` : ''}` || 'body';
        return { field, message: extra ? 'is not a known field' : (v.message ?? 'is invalid') };
      });
      return reply.code(400).send({ error: 'invalid_input', field: errors[0]?.field, message: errors.map((x) => `${x.field} ${x.message}`).join('; '), errors });
    }
    const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    return reply.code(status).send({ error: status === 500 ? 'internal_error' : 'bad_request', message: e.message });
  });

  const post = <S extends TSchema>(url: string, schema: S, handler: (body: Static<S>, params: Params, request: FastifyRequest) => Promise<unknown>) =>
    app.post(url, { schema: { body: schema } }, async (request: FastifyRequest, reply: FastifyReply) =>
      reply.code(201).send(await handler(request.body as Static<S>, request.params as Params, request)),
    );

  app.get('/state', async () => stateSummary(ctx));
  post('/organizations', ControlSchemas.organization, (b) => control.createHost({ ...b, kind: 'services' }));
  post('/collections', ControlSchemas.collection, (b) => control.createHost({ ...b, kind: 'server' }));
  app.patch('/hosts/:host/policies', { schema: { body: ControlSchemas.policies } }, async (request) =>
    (await control.setPolicies((request.params as Params)['host']!, request.body as Static<typeof ControlSchemas.policies>)).policies,
  );
  post('/hosts/:host/projects', ControlSchemas.project, (b, p) => control.createProject(p['host']!, b));
  post('/hosts/:host/projects/:project/repositories', ControlSchemas.repository, (b, p) => control.createRepository(p['host']!, p['project']!, b));
  app.patch('/hosts/:host/projects/:project/repositories/:repo', { schema: { body: ControlSchemas.repositoryPatch } }, async (request) => {
    const p = request.params as Params;
    const b = request.body as Static<typeof ControlSchemas.repositoryPatch>;
    let repository = control.repository(p['host']!, p['project']!, p['repo']!).repository;
    // The rename first: it is the change that can be refused, and then nothing has changed.
    if (b.name !== undefined) repository = await control.renameRepository(p['host']!, p['project']!, repository.id, b.name);
    if (b.isDisabled !== undefined) repository = await control.setRepositoryDisabled(p['host']!, p['project']!, repository.id, b.isDisabled);
    return repository;
  });
  post('/hosts/:host/projects/:project/repositories/:repo/pushes', ControlSchemas.push, async (b, p) => {
    const changeLists = await filesToChanges(ctx, control, p, b.branch, b.from, b.commits.map((c) => c.files ?? {}));
    const commits = [];
    for (const [i, c] of b.commits.entries()) {
      commits.push({
        message: c.message,
        changes: changeLists[i]!,
        ...(c.author ? { author: { name: c.author.name, email: c.author.email, date: c.author.date ? new Date(c.author.date) : new Date() } } : {}),
      });
    }
    const push = await control.pushCommits({ host: p['host']!, project: p['project']!, repository: p['repo']!, branch: b.branch, commits, ...(b.from ? { from: b.from } : {}), ...(b.pushedBy ? { pushedBy: b.pushedBy } : {}) });
    return push ?? { pushId: null, refUpdates: [] };
  });
  await controlPullRequestRoutes(app, ctx, control);

  post('/users', ControlSchemas.user, (b) => control.createUser(b));
  post('/hosts/:host/members', ControlSchemas.member, async (b, p) => {
    await control.addMember(p['host']!, b.identityId, b.project === undefined ? {} : { project: b.project });
    return { ok: true };
  });
  app.delete('/hosts/:host/members/:identityId', async (request) => {
    const p = request.params as Params;
    await control.removeMember(p['host']!, p['identityId']!);
    return { ok: true };
  });
  post('/users/:user/pats', ControlSchemas.pat, async (b, p) => {
    const { pat, token } = await control.createPat({ ...b, user: p['user']! });
    const { tokenHash: _hash, ...visible } = pat;
    return { ...visible, token };
  });
  app.delete('/pats/:authorizationId', async (request) => {
    await control.revokePat((request.params as Params)['authorizationId']!);
    return { ok: true };
  });
  post('/users/:user/ssh-keys', ControlSchemas.sshKey, (b, p) => control.addSshKey({ ...b, user: p['user']! }));
  post('/service-principals', ControlSchemas.servicePrincipal, async (b) => {
    const { principal, clientSecret } = await control.createServicePrincipal(b);
    return { objectId: principal.id, clientId: principal.appId, tenantId: principal.tenantId, displayName: principal.displayName, clientSecret };
  });

  app.get('/throttling', async () => ctx.throttle.settings);
  app.put('/throttling', { schema: { body: ControlSchemas.throttling } }, async (request) =>
    ctx.throttle.configure(request.body as Static<typeof ControlSchemas.throttling>),
  );
  app.delete('/throttling/usage', async () => {
    ctx.throttle.reset();
    return { ok: true };
  });

  app.get('/faults', async () => ctx.faults.list());
  post('/faults', ControlSchemas.fault, async (b) => {
    try {
      new RegExp(b.path);
    } catch {
      throw new ControlError('path', 'must be a valid regular expression');
    }
    if (!b.latencyMs && !b.status && !b.reset) throw new ControlError('body', 'needs at least one of latencyMs, status or reset');
    return ctx.faults.add(b);
  });
  app.delete('/faults/:id', async (request, reply) => {
    if (!ctx.faults.remove((request.params as Params)['id']!)) return reply.code(404).send({ error: 'not_found', field: 'id', message: 'id names no fault' });
    return { ok: true };
  });
  app.delete('/faults', async () => {
    ctx.faults.clear();
    return { ok: true };
  });

  app.get('/requests', async (request) => {
    const since = Number((request.query as Params)['since'] ?? 0);
    return { lastSeq: ctx.log.lastSeq, requests: ctx.log.list(Number.isFinite(since) ? since : 0) };
  });
  app.delete('/requests', async () => {
    ctx.log.clear();
    return { ok: true };
  });
}
