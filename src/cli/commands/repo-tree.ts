import { openConnectionService } from '../../connections/open-connection-service.js';
import { getTree } from '../../repositories/browse-service.js';
import { parseRefArgument, resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';
import { treeText } from '../repository-format.js';

export async function runRepoTree(repository: string, o: { connection?: string; ref?: string; path?: string; recursive?: boolean; json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      const tree = await getTree(service, target, {
        ...(o.ref !== undefined ? { version: parseRefArgument(o.ref) } : {}),
        ...(o.path !== undefined ? { path: o.path } : {}),
        ...(o.recursive ? { recursive: true } : {}),
      });
      out.result(tree);
      out.print(treeText(tree));
    } finally {
      await service.close();
    }
  });
}
