// The service's context without its HTTP server, for CLI commands that act on the service's data (a sign-in link for
// a locked-out administrator, the demo's connection): the same store, key and public URL `serve` would use.
import { endpointsFromEnv } from '../azure/endpoints.js';
import { Vault } from '../credentials/vault.js';
import { createServiceContext } from '../server/create-service-context.js';
import type { ServiceContext } from '../server/service-context.js';
import { serviceSettings, type ServiceOverrides } from '../server/service-settings.js';
import { openStore } from '../store/open-store.js';

export async function openServiceContext(o: ServiceOverrides & { env?: NodeJS.ProcessEnv } = {}): Promise<{ ctx: ServiceContext; close(): Promise<void> }> {
  const env = o.env ?? process.env;
  const settings = serviceSettings(env, o);
  const vault = await Vault.open({ dataDir: settings.store.dataDir, env });
  const store = await openStore(settings.store);
  const ctx = createServiceContext({
    store,
    vault,
    endpoints: endpointsFromEnv(env),
    config: { dataDir: settings.store.dataDir, publicUrl: settings.publicUrl ?? `http://localhost:${settings.port}`, bodyLimit: settings.bodyLimit },
  });
  return { ctx, close: () => store.close() };
}
