import type { FastifyRequest } from 'fastify';
import { AdoErrors } from '../http/ado-errors.js';
import type { AdoRequest } from '../http/ado-request.js';
import { findRepository, type RepositoryMatch } from '../state/lookup.js';
import type { Project } from '../state/model.js';
import { visibleProjects } from './core-routes.js';

/**
 * Resolves the `{repositoryId}` of a git route (name or id, within `{project}` when the URL has one) among the
 * projects the caller can see. Azure DevOps answers TF401019 both for a repository that does not exist and for one
 * the caller may not see, so the two are indistinguishable here too.
 */
export function repositoryInScope(request: FastifyRequest, nameOrId: string): RepositoryMatch {
  const { ado } = request;
  const match = findRepository(ado.host, ado.project, nameOrId);
  if (!match || !visibleProjects(ado).includes(match.project)) throw AdoErrors.repositoryNotFound(nameOrId);
  if (match.repository.isDisabled) throw AdoErrors.repositoryDisabled(nameOrId);
  return match;
}

/** The projects a listing covers: the one in the URL, or every project the caller can see. */
export function projectsInScope(ado: AdoRequest): Project[] {
  const visible = visibleProjects(ado);
  if (!ado.project) return visible;
  if (!visible.includes(ado.project)) throw AdoErrors.projectNotFoundByName(ado.project.name);
  return [ado.project];
}

/**
 * Readers of a single project may look but not write: Azure DevOps refuses them with TF401027 (403), naming the
 * git permission they lack.
 */
export function requireContributor(ado: AdoRequest, permission: 'GenericContribute' | 'PullRequestContribute' | 'RenameRepository' | 'DeleteRepository'): string {
  const identity = ado.identity;
  if (!identity) throw AdoErrors.unauthorized('');
  if (!ado.host.members.includes(identity.id)) {
    const name = identity.kind === 'user' ? identity.user.displayName : identity.principal.displayName;
    throw AdoErrors.gitPermissionDenied(permission, name);
  }
  return identity.id;
}
