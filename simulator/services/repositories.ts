import { AdoErrors } from '../http/ado-errors.js';
import type { SimulatorContext } from '../runtime/context.js';
import { isNameTaken, VALID_NAME } from '../state/lookup.js';
import type { Project, Repository } from '../state/model.js';

/**
 * Changes to a repository itself, for the REST API and the control API alike. The repository keeps its id and its
 * bare directory (named after the id), so a rename only changes the name every route looks it up by: REST, git over
 * HTTP and SSH answer to the new name at once, and to the old one no longer.
 */
export async function renameRepository(ctx: SimulatorContext, project: Project, repository: Repository, name: string): Promise<Repository> {
  if (name.trim() !== name || !VALID_NAME.test(name)) {
    throw AdoErrors.invalidArgumentValue('name', `'${name}' is not a valid name for a Git repository.`);
  }
  // Another repository's name only: changing the case of its own name is a rename too.
  const others = project.repositories.filter((r) => r !== repository).map((r) => r.name);
  if (isNameTaken(others, name)) throw AdoErrors.repositoryNameExists(name);
  return ctx.store.mutate(() => {
    repository.name = name;
    return repository;
  });
}

export async function setRepositoryDisabled(ctx: SimulatorContext, repository: Repository, isDisabled: boolean): Promise<Repository> {
  return ctx.store.mutate(() => {
    repository.isDisabled = isDisabled;
    return repository;
  });
}
