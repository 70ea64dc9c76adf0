import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { AdoHttpError } from '../http/ado-errors.js';
import { abandonPullRequest, completePullRequest, createPullRequest, findPullRequest, reactivatePullRequest } from '../services/pull-requests.js';
import { ControlError } from './control-error.js';
import type { SimulatorControl } from './simulator-control.js';

const Create = Type.Object(
  {
    sourceRefName: Type.String(),
    targetRefName: Type.String(),
    title: Type.String(),
    description: Type.Optional(Type.String()),
    isDraft: Type.Optional(Type.Boolean()),
    createdBy: Type.String(),
  },
  { additionalProperties: false },
);
const Close = Type.Object(
  { by: Type.String(), squash: Type.Optional(Type.Boolean()), deleteSourceBranch: Type.Optional(Type.Boolean()), mergeCommitMessage: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

type Params = { host: string; project: string; repo: string; id?: string };
const full = (ref: string): string => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`);

/** Pull requests through the control API: open, complete, abandon and reactivate, through the same service as REST. */
export async function controlPullRequestRoutes(app: FastifyInstance, ctx: SimulatorContext, control: SimulatorControl): Promise<void> {
  // The service speaks Azure DevOps errors; here they become control-API errors that name the problem.
  const asControl = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AdoHttpError) throw new ControlError('pullRequest', error.message, error.status);
      throw error;
    }
  };
  const target = (p: Params) => {
    const { host, project, repository } = control.repository(p.host, p.project, p.repo);
    const id = Number(p.id);
    const found = Number.isInteger(id) ? findPullRequest([project], id) : undefined;
    if (!found || found.repository !== repository) throw new ControlError('id', `no pull request ${p.id ?? ''} in '${repository.name}'`, 404);
    return { host, found };
  };

  const base = '/hosts/:host/projects/:project/repositories/:repo/pullrequests';
  app.post(base, { schema: { body: Create } }, async (request, reply) => {
    const p = request.params as Params;
    const b = request.body as Static<typeof Create>;
    const { host, repository } = control.repository(p.host, p.project, p.repo);
    const creator = control.user(b.createdBy);
    const pr = await asControl(() =>
      createPullRequest(ctx, { host, repository }, creator.id, {
        sourceRefName: full(b.sourceRefName),
        targetRefName: full(b.targetRefName),
        title: b.title,
        ...(b.description === undefined ? {} : { description: b.description }),
        ...(b.isDraft === undefined ? {} : { isDraft: b.isDraft }),
      }),
    );
    return reply.code(201).send(pr);
  });
  app.post(`${base}/:id/complete`, { schema: { body: Close } }, async (request) => {
    const b = request.body as Static<typeof Close>;
    const { found } = target(request.params as Params);
    const by = control.user(b.by);
    return asControl(() =>
      completePullRequest(ctx, found, by.id, {
        lastMergeSourceCommitId: found.pullRequest.lastMergeSourceCommit ?? '',
        ...(b.squash === undefined ? {} : { squash: b.squash }),
        ...(b.deleteSourceBranch === undefined ? {} : { deleteSourceBranch: b.deleteSourceBranch }),
        ...(b.mergeCommitMessage === undefined ? {} : { mergeCommitMessage: b.mergeCommitMessage }),
      }),
    );
  });
  app.post(`${base}/:id/abandon`, { schema: { body: Close } }, async (request) => {
    const { found } = target(request.params as Params);
    const by = control.user((request.body as Static<typeof Close>).by);
    return asControl(() => abandonPullRequest(ctx, found, by.id));
  });
  app.post(`${base}/:id/reactivate`, async (request) => {
    const { found } = target(request.params as Params);
    return asControl(() => reactivatePullRequest(ctx, found));
  });
}
