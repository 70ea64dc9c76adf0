import { openConnectionService } from '../../connections/open-connection-service.js';
import { runCommand } from '../cli-output.js';
import { showText, viewJson } from '../connection-format.js';

/** Shows a connection; secrets never: the PAT as its fingerprint, an SSH key as its public half, a service principal as its ids. */
export async function runConnectionShow(name: string, o: { json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const view = await service.describeConnection(name);
      out.result(viewJson(view, true));
      out.print(showText(view));
    } finally {
      await service.close();
    }
  });
}
