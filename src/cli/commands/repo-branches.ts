import { openConnectionService } from '../../connections/open-connection-service.js';
import { listBranches, listTags } from '../../repositories/browse-service.js';
import { resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';
import { refsTable } from '../repository-format.js';

export async function runRepoBranches(repository: string, o: { connection?: string; tags?: boolean; json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      const refs = o.tags ? await listTags(service, target) : await listBranches(service, target);
      out.result(o.tags ? { tags: refs } : { branches: refs });
      out.print(refs.length > 0 ? refsTable(refs) : `No ${o.tags ? 'tags' : 'branches'} yet.`);
    } finally {
      await service.close();
    }
  });
}
