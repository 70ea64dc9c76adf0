// Choosing the repositories a connection may be used for, on SQLite and PostgreSQL, against the demo simulator:
// unselected repositories are invisible to listing, browsing and resolving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsFromEnv } from '../../src/azure/endpoints.js';
import { ConnectionService } from '../../src/connections/connection-service.js';
import { Vault } from '../../src/credentials/vault.js';
import { listBranches, listRepositories } from '../../src/repositories/browse-service.js';
import { resolveRepositoryArgument } from '../../src/repositories/repository-target.js';
import { resolveUrl } from '../../src/repositories/resolve.js';
import { assertSelected, getRepositorySelection, selectRepositories } from '../../src/repositories/selection.js';
import { rejection } from '../helpers/rejection.js';
import { DIALECTS, testStores } from '../store/test-stores.js';
import { repositoryWorld, type RepositoryWorld } from './repository-world.js';

let w: RepositoryWorld;
const stores = testStores();

beforeAll(async () => {
  w = await repositoryWorld();
}, 60_000);

afterAll(async () => {
  await stores.cleanup();
  await w?.close();
});

const names = (repos: Array<{ project: { name: string }; name: string }>): string[] => repos.map((r) => `${r.project.name}/${r.name}`);

for (const dialect of DIALECTS) {
  describe(`repository selection on ${dialect}`, () => {
    let service: ConnectionService;

    beforeAll(async () => {
      const store = await stores.open(dialect);
      service = new ConnectionService({ store, vault: await Vault.open({ dataDir: store.dataDir, env: {} }), endpoints: endpointsFromEnv(w.sim.ready.env) });
      await service.addConnection({ name: 'fabrikam', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: w.pat } });
    });

    it('starts with every repository selected', async () => {
      expect(await getRepositorySelection(service, 'fabrikam')).toEqual({ mode: 'all', repositories: [] });
      expect(await listRepositories(service, 'fabrikam')).toHaveLength(7);
    });

    it('shows only the chosen repositories once a list is chosen', async () => {
      const selection = await selectRepositories(service, 'fabrikam', { repositories: ['Fabrikam Fiber/web', 'https://dev.azure.com/fabrikam/Platform/_git/shared-lib'] });
      expect(selection.mode).toBe('list');
      expect(selection.repositories.map((r) => `${r.project}/${r.name}`)).toEqual(['Fabrikam Fiber/web', 'Platform/shared-lib']);
      expect(selection.repositories[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(names(await listRepositories(service, 'fabrikam'))).toEqual(['Fabrikam Fiber/web', 'Platform/shared-lib']);
      const everything = await listRepositories(service, 'fabrikam', { includeUnselected: true });
      expect(everything).toHaveLength(7);
      expect(everything.filter((r) => r.selected).map((r) => r.name)).toEqual(['web', 'shared-lib']);
    });

    it('hides an unselected repository from browsing and resolving, with a hint to select it', async () => {
      const monorepo = await resolveRepositoryArgument(service, 'Platform/monorepo');
      const error = await rejection(listBranches(service, monorepo));
      expect(error.code).toBe('AZDO_REPOSITORY_NOT_SELECTED');
      expect(error.hint).toContain('azdo-connect repos select fabrikam');
      const viaUrl = await rejection(resolveUrl(service, 'https://dev.azure.com/fabrikam/Platform/_git/monorepo'));
      expect(viaUrl.code).toBe('AZDO_REPOSITORY_NOT_SELECTED');
      await expect(listBranches(service, await resolveRepositoryArgument(service, 'fabrikam fiber/WEB'))).resolves.not.toHaveLength(0);
    });

    it('adds to and removes from the list', async () => {
      await selectRepositories(service, 'fabrikam', { add: ['Platform/monorepo'], remove: ['Fabrikam Fiber/web'] });
      expect(names(await listRepositories(service, 'fabrikam'))).toEqual(['Platform/monorepo', 'Platform/shared-lib']);
      const connection = await service.describeConnection('fabrikam');
      await expect(assertSelected(service, connection, { project: 'platform', name: 'MONOREPO' })).resolves.toBeUndefined();
      await expect(assertSelected(service, connection, { project: 'Fabrikam Fiber', name: 'web' })).rejects.toMatchObject({ code: 'AZDO_REPOSITORY_NOT_SELECTED' });
    });

    it('changes nothing when a named repository does not exist', async () => {
      const before = await getRepositorySelection(service, 'fabrikam');
      const error = await rejection(selectRepositories(service, 'fabrikam', { repositories: ['Platform/shared-lib', 'Platform/nope'] }));
      expect(error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
      expect(await getRepositorySelection(service, 'fabrikam')).toEqual(before);
    });

    it('removing from "all" keeps every other repository', async () => {
      await selectRepositories(service, 'fabrikam', { all: true });
      expect(await listRepositories(service, 'fabrikam')).toHaveLength(7);
      await selectRepositories(service, 'fabrikam', { remove: ['Platform/monorepo'] });
      const visible = names(await listRepositories(service, 'fabrikam'));
      expect(visible).toHaveLength(6);
      expect(visible).not.toContain('Platform/monorepo');
    });

    it('forgets the selection with the connection', async () => {
      await selectRepositories(service, 'fabrikam', { repositories: ['Fabrikam Fiber/web'] });
      const removed = await service.removeConnection('fabrikam');
      const rows = await service.store.db.selectFrom('selected_repositories').selectAll().where('connection_id', '=', removed.id).execute();
      expect(rows).toEqual([]);
    });
  });
}
