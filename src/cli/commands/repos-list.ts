import { openConnectionService } from '../../connections/open-connection-service.js';
import { listRepositories } from '../../repositories/browse-service.js';
import { connectionByName } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';
import { repositoriesTable } from '../repository-format.js';

export interface ReposListOptions {
  connection?: string;
  project?: string;
  /** Also repositories the connection's selection leaves out. */
  all?: boolean;
  json?: boolean;
}

/** One request for the whole organization or collection; empty and disabled repositories are listed as such. */
export async function runReposList(o: ReposListOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const connection = await connectionByName(service, o.connection);
      const repositories = await listRepositories(service, connection.id, {
        ...(o.project !== undefined ? { project: o.project } : {}),
        ...(o.all ? { includeUnselected: true } : {}),
      });
      out.result({ connection: connection.name, repositories });
      out.print(repositories.length > 0 ? repositoriesTable(repositories, o.all === true) : `No repositories visible through connection ${connection.name}.`);
    } finally {
      await service.close();
    }
  });
}
