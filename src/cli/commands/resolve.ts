import { openConnectionService } from '../../connections/open-connection-service.js';
import { resolveUrl } from '../../repositories/resolve.js';
import { runCommand } from '../cli-output.js';
import { resolvedJson, resolvedText } from '../repository-format.js';

/** Any Azure DevOps URL of a repository, branch, tag, commit, file, folder or pull request: the object it names. */
export async function runResolve(url: string, o: { connection?: string; json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const resolved = await resolveUrl(service, url, o.connection !== undefined ? { connection: o.connection } : {});
      out.result(resolvedJson(resolved));
      out.print(resolvedText(resolved));
    } finally {
      await service.close();
    }
  });
}
