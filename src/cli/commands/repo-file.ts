import { writeFile } from 'node:fs/promises';
import { openConnectionService } from '../../connections/open-connection-service.js';
import { getFile } from '../../repositories/browse-service.js';
import { parseRefArgument, resolveRepositoryArgument } from '../../repositories/repository-target.js';
import { runCommand } from '../cli-output.js';
import { fileContentJson } from '../../repositories/file-content-json.js';

/** Writes the file's bytes as committed: to --out, else to stdout (with --json, inside the JSON document). */
export async function runRepoFile(repository: string, o: { connection?: string; ref?: string; path?: string; out?: string; json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const target = await resolveRepositoryArgument(service, repository, o.connection !== undefined ? { connection: o.connection } : {});
      const file = await getFile(service, target, {
        ...(o.ref !== undefined ? { version: parseRefArgument(o.ref) } : {}),
        ...(o.path !== undefined ? { path: o.path } : {}),
      });
      if (o.out !== undefined) {
        await writeFile(o.out, file.content);
        const { content: _content, ...rest } = fileContentJson(file);
        out.result({ ...rest, out: o.out });
        out.note(`Wrote ${file.path} (${file.content.length} bytes, commit ${file.commitId.slice(0, 12)}) to ${o.out}.`);
      } else if (o.json) {
        out.result(fileContentJson(file));
      } else {
        process.stdout.write(file.content);
      }
    } finally {
      await service.close();
    }
  });
}
