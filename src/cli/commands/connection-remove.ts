import { AzdoError } from '../../errors/azdo-error.js';
import { openConnectionService } from '../../connections/open-connection-service.js';
import { CLI_CONFIRMATION_REQUIRED, runCommand } from '../cli-output.js';
import { removalConsequence } from '../../connections/removal-consequence.js';
import { deleteConnectionMirrors } from '../../repositories/connection-mirrors.js';
import { listMirrors } from '../../store/mirrors-repo.js';
import { askConfirm, canPrompt, cancelled } from '../terminal.js';

export async function runConnectionRemove(name: string, o: { json?: boolean; yes?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      const view = await service.describeConnection(name);
      const consequence = removalConsequence(view);
      if (!o.yes) {
        if (!canPrompt()) {
          throw new AzdoError(
            CLI_CONFIRMATION_REQUIRED,
            `Removing connection '${view.name}' needs confirmation, and there is no terminal to ask. ${consequence}`,
            'Run it again with --yes to confirm (for scripts), or from a terminal to be asked.',
            { name: view.name },
          );
        }
        out.note(consequence);
        if (!(await askConfirm(`Remove connection '${view.name}'?`, false))) throw cancelled('Removing the connection');
      }
      // The version read above: a connection changed meanwhile is not removed unseen.
      const mirrors = await listMirrors(service.store.db, view.id);
      const removed = await service.removeConnection(view.id, { expectedVersion: view.version });
      // The data directory of the environment: where this CLI's `repo fetch` put them.
      await deleteConnectionMirrors({}, view.id);
      out.result({ removed: { id: removed.id, name: removed.name, url: removed.url }, mirrorsRemoved: mirrors.length, consequence });
      out.print(`Removed connection '${removed.name}'. ${consequence}`);
    } finally {
      await service.close();
    }
  });
}
