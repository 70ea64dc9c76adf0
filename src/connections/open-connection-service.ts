import { endpointsFromEnv } from '../azure/endpoints.js';
import { Vault } from '../credentials/vault.js';
import { openStore } from '../store/open-store.js';
import { storeOptionsFromEnv } from '../store/store-options-from-env.js';
import { ConnectionService } from './connection-service.js';

/**
 * The connection service over the store and vault the environment names: DATABASE_URL (PostgreSQL) or
 * AZDO_CONNECT_DATA (SQLite, default ./data), the key from AZDO_CONNECT_SECRET_KEY or the data directory's key file,
 * and the Services endpoints (AZDO_CONNECT_SERVICES_URL, ...).
 */
export async function openConnectionService(o: { env?: NodeJS.ProcessEnv; workspaceId?: string } = {}): Promise<ConnectionService> {
  const env = o.env ?? process.env;
  const location = storeOptionsFromEnv(env);
  // The vault first: a bad key is reported before the database is touched.
  const vault = await Vault.open({ dataDir: location.dataDir, env });
  const store = await openStore(location);
  return new ConnectionService({
    store,
    vault,
    endpoints: endpointsFromEnv(env),
    ...(o.workspaceId !== undefined ? { workspaceId: o.workspaceId } : {}),
  });
}
