import { openConnectionService } from '../../connections/open-connection-service.js';
import { runCommand } from '../cli-output.js';
import { listTable, viewJson } from '../connection-format.js';

export async function runConnectionList(o: { json?: boolean; label?: string }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      let views = await service.listAllConnections();
      if (o.label !== undefined) {
        const label = o.label.toLowerCase();
        views = views.filter((v) => v.labels.some((l) => l.toLowerCase() === label));
      }
      out.result({ connections: views.map((v) => viewJson(v)) });
      out.print(views.length > 0 ? listTable(views) : 'No connections yet. Add one with: azdo-connect connection add --name NAME --url URL --pat-file FILE');
    } finally {
      await service.close();
    }
  });
}
