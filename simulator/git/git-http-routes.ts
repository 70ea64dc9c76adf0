import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../runtime/context.js';
import { hasAnyScope } from '../http/authenticate.js';
import { findRepository, type RepositoryMatch } from '../state/lookup.js';
import type { Host, Project } from '../state/model.js';
import { serveSmartHttp } from './smart-http.js';

type Service = 'info/refs' | 'git-upload-pack' | 'git-receive-pack';

export const tf401019 = (name: string): string =>
  `TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`;
export const TF401027_PUSH =
  "TF401027: You need the Git 'GenericContribute' permission to perform this action. Details: identity, scope: repository.";

/** Whether an identity may read a project: a member of the host, or a reader of that project. */
export function canRead(host: Host, project: Project, identityId: string): boolean {
  return host.members.includes(identityId) || project.readers.includes(identityId);
}

/**
 * Finds the repository a git URL names. `/_git/{repo}` (no project) names the repository of that name, the one in
 * the project of the same name first. A trailing `.git` is part of the name, as in Azure DevOps, which answers
 * TF401019 for `repo.git`.
 */
export function repositoryForGit(host: Host, project: Project | undefined, name: string): RepositoryMatch | undefined {
  if (project) return findRepository(host, project, name);
  const sameName = host.projects.find((p) => p.name.toLowerCase() === name.toLowerCase());
  return (sameName && findRepository(host, sameName, name)) ?? findRepository(host, undefined, name);
}

/** git smart HTTP under `{project}/_git/{repo}` and `_git/{repo}`, including the `_optimized` and `_full` views. */
export async function gitHttpRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const config = { ado: { git: true, noApiVersion: true, scopes: ['vso.code'] } };

  const handle = (service: Service) => async (request: FastifyRequest, reply: FastifyReply) => {
    const { host, identity, project } = request.ado;
    const { repo } = request.params as { repo: string };
    const match = repositoryForGit(host, project, repo);
    const text = (status: number, body: string): FastifyReply => reply.code(status).type('text/plain; charset=utf-8').send(`${body}\n`);
    if (!match || !canRead(host, match.project, identity!.id) || match.repository.isDisabled) return text(404, tf401019(repo));
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const pushing = service === 'git-receive-pack' || (service === 'info/refs' && /(^|&)service=git-receive-pack(&|$)/.test(query));
    if (pushing && (!hasAnyScope(identity!, ['vso.code_write']) || !host.members.includes(identity!.id))) {
      return text(403, TF401027_PUSH);
    }
    const { repository } = match;
    if (service === 'git-receive-pack') await ctx.repos.baselineRefs(repository);
    reply.hijack();
    await serveSmartHttp({
      req: request.raw,
      res: reply.raw,
      repoPath: ctx.repos.pathOf(repository),
      service,
      query,
      remoteUser: identity!.id,
      extraResponseHeaders: { activityid: request.id },
      onReceivePackDone: async () => {
        await ctx.repos.recordChange(repository, identity!.id);
      },
    });
    return reply;
  };

  for (const prefix of ['/:project/_git', '/_git', '/:project/_git/_optimized', '/_git/_optimized', '/:project/_git/_full', '/_git/_full']) {
    app.get(`${prefix}/:repo/info/refs`, { config }, handle('info/refs'));
    app.post(`${prefix}/:repo/git-upload-pack`, { config }, handle('git-upload-pack'));
    app.post(`${prefix}/:repo/git-receive-pack`, { config }, handle('git-receive-pack'));
  }
}
