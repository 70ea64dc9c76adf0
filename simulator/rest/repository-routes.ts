import type { FastifyInstance } from 'fastify';
import { AdoErrors } from '../http/ado-errors.js';
import { sendJson, type AdoRequest } from '../http/ado-request.js';
import type { SimulatorContext } from '../runtime/context.js';
import { byName, findRepository } from '../state/lookup.js';
import type { Project, Repository } from '../state/model.js';
import { commitRoutes } from './commit-routes.js';
import { repositoryJson } from './git-shapes.js';
import { atBothLevels, CODE_MANAGE, CODE_READ_CACHED, booleanParam, CODE_READ, queryOf } from './git-query.js';
import { itemRoutes } from './item-routes.js';
import { refRoutes } from './ref-routes.js';
import { projectsInScope, requireContributor } from './repository-scope.js';
import { renameRepository, setRepositoryDisabled } from '../services/repositories.js';
import { visibleProjects } from './core-routes.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Azure DevOps answers every malformed update alike (an ArgumentException); its wording is not known, so this is ours.
const unsupportedChange = () =>
  AdoErrors.badRequest('The requested change to the repository is not supported: give its id, and either a new name or a new isDisabled, not both.');

/**
 * The git area's repositories (listed, read, renamed or disabled), then refs, commits and items. Repository listings
 * are the calls clients repeat most, so they only read state and the cached summaries (no git process once warm).
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

  // Repositories - Update: a new name (or, alone, isDisabled). As in Azure DevOps the repository is named by its id
  // only, and a name, a default branch and isDisabled cannot change in one call.
  atBothLevels(app, 'PATCH', '/_apis/git/repositories/:repositoryId', CODE_MANAGE, async (request, reply) => {
    const { ado } = request;
    const { repositoryId } = request.params as { repositoryId: string };
    const body = request.body;
    if (!GUID.test(repositoryId) || typeof body !== 'object' || body === null || Array.isArray(body)) throw unsupportedChange();
    const change = body as { id?: unknown; name?: unknown; defaultBranch?: unknown; isDisabled?: unknown; project?: { id?: unknown } };
    if (typeof change.id === 'string' && change.id !== '' && change.id.toLowerCase() !== repositoryId.toLowerCase()) throw unsupportedChange();
    const match = findRepository(ado.host, ado.project, repositoryId);
    if (!match || match.repository.id.toLowerCase() !== repositoryId.toLowerCase() || !visibleProjects(ado).includes(match.project)) {
      throw AdoErrors.repositoryNotFound(repositoryId);
    }
    const { project, repository } = match;
    const mentionsDisabled = typeof change.isDisabled === 'boolean';
    // Only a call that mentions isDisabled reaches a disabled repository.
    if (repository.isDisabled && !mentionsDisabled) throw AdoErrors.repositoryNotFound(repositoryId);
    const name = typeof change.name === 'string' && change.name.trim() !== '' ? change.name : undefined;
    const defaultBranch = typeof change.defaultBranch === 'string' && change.defaultBranch.trim() !== '' ? change.defaultBranch : undefined;
    const togglesDisabled = mentionsDisabled && change.isDisabled !== repository.isDisabled;
    if (togglesDisabled === (name !== undefined || defaultBranch !== undefined)) throw unsupportedChange();
    // A project named in the body must be the repository's own, by id: repositories do not move between projects.
    if (change.project !== undefined && change.project !== null && String(change.project.id ?? '').toLowerCase() !== project.id.toLowerCase()) {
      throw unsupportedChange();
    }
    if (togglesDisabled) {
      requireContributor(ado, 'DeleteRepository');
      await setRepositoryDisabled(ctx, repository, change.isDisabled === true);
    } else {
      requireContributor(ado, 'RenameRepository');
      if (defaultBranch !== undefined) throw AdoErrors.badRequest('The simulator does not change default branches: only a new name is supported.');
      await renameRepository(ctx, project, repository, name!);
    }
    return sendJson(reply, await render(ado, project, repository, { links: true, allUrls: false }));
  });

  await refRoutes(app, ctx);
  await commitRoutes(app, ctx);
  await itemRoutes(app, ctx);
}
