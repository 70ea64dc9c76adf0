import type { FastifyInstance } from 'fastify';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson, type AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import { byName, findRepository } from '../state/lookup.js';
import type { Project, Repository } from '../state/model.js';
import { commitRoutes } from './commit-routes.js';
import { repositoryJson } from './git-shapes.js';
import { atBothLevels, CODE_READ_CACHED, booleanParam, CODE_READ, queryOf } from './git-query.js';
import { itemRoutes } from './item-routes.js';
import { refRoutes } from './ref-routes.js';
import { projectsInScope } from './repository-scope.js';
import { visibleProjects } from './core-routes.js';

/**
 * The read side of the git area: repositories here, then refs, commits and items. Repository listings are the
 * calls clients repeat most, so they only read state and the cached summaries (no git process once warm).
 */
export async function repositoryRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const render = async (ado: AdoRequest, project: Project, repository: Repository, o: { links: boolean; allUrls: boolean }) => {
    const json = repositoryJson(ado, project, repository, await ctx.repos.summary(repository), ctx.ssh?.port, { links: o.links });
    if (o.allUrls) json['validRemoteUrls'] = [json['remoteUrl'], ...(json['sshUrl'] ? [json['sshUrl']] : [])];
    return json;
  };

  atBothLevels(app, 'GET', '/_apis/git/repositories', CODE_READ_CACHED, async (request, reply) => {
    const get = queryOf(request);
    const o = { links: booleanParam(get, 'includeLinks'), allUrls: booleanParam(get, 'includeAllUrls') };
    booleanParam(get, 'includeHidden');
    const pairs = projectsInScope(request.ado).flatMap((project) => project.repositories.map((repository) => ({ project, repository })));
    pairs.sort((a, b) => byName(a.repository.name, b.repository.name) || byName(a.project.name, b.project.name));
    const value = await Promise.all(pairs.map(({ project, repository }) => render(request.ado, project, repository, o)));
    return sendJson(reply, { value, count: value.length });
  });

  atBothLevels(app, 'GET', '/_apis/git/repositories/:repositoryId', CODE_READ, async (request, reply) => {
    const { ado } = request;
    const { repositoryId } = request.params as { repositoryId: string };
    const get = queryOf(request);
    // Unlike its contents, a disabled repository itself stays readable (it is listed with isDisabled: true).
    const match = findRepository(ado.host, ado.project, repositoryId);
    if (!match || !visibleProjects(ado).includes(match.project)) throw AdoErrors.repositoryNotFound(repositoryId);
    booleanParam(get, 'includeParent');
    const json = await render(ado, match.project, match.repository, { links: true, allUrls: booleanParam(get, 'includeAllUrls') });
    return sendJson(reply, json);
  });

  await refRoutes(app, ctx);
  await commitRoutes(app, ctx);
  await itemRoutes(app, ctx);
}
