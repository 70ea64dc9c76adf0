import { openConnectionService } from '../../connections/open-connection-service.js';
import { AzdoError } from '../../errors/azdo-error.js';
import { getRepositorySelection, selectRepositories, type SelectionChange } from '../../repositories/selection.js';
import { CLI_USAGE, runCommand } from '../cli-output.js';
import { selectionText } from '../repository-format.js';

export interface ReposSelectOptions {
  all?: boolean;
  repo?: string[];
  add?: string[];
  remove?: string[];
  json?: boolean;
}

function changeOf(o: ReposSelectOptions): SelectionChange | undefined {
  const given = [o.all ? 'all' : undefined, o.repo ? 'repo' : undefined, o.add || o.remove ? 'add' : undefined].filter((x) => x !== undefined);
  if (given.length > 1) {
    throw new AzdoError(CLI_USAGE, '--all, --repo and --add/--remove are different ways to choose; give one of them.', 'Use --all for every repository, --repo (repeated) for exactly these, or --add/--remove to change the current list.');
  }
  if (o.all) return { all: true };
  if (o.repo) return { repositories: o.repo };
  if (o.add || o.remove) return { ...(o.add ? { add: o.add } : {}), ...(o.remove ? { remove: o.remove } : {}) };
  return undefined;
}

/** Without a choice, shows the connection's selection. */
export async function runReposSelect(connectionName: string, o: ReposSelectOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const change = changeOf(o);
    const service = await openConnectionService();
    try {
      const connection = await service.describeConnection(connectionName);
      const selection = change ? await selectRepositories(service, connection.id, change) : await getRepositorySelection(service, connection);
      out.result({ connection: connection.name, ...selection });
      out.print(selectionText(connection.name, selection));
    } finally {
      await service.close();
    }
  });
}
