// The connections API: list, add, show, edit, test (streamed), remove (confirmed), and SSH key generation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { connectionCrudRoutes } from './connections/connection-crud-routes.js';
import { connectionRemovalRoutes } from './connections/connection-removal-routes.js';
import { connectionTestRoutes } from './connections/connection-test-routes.js';
import { sshKeyRoutes } from './connections/ssh-key-routes.js';

export const connectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(connectionCrudRoutes);
  await app.register(connectionRemovalRoutes);
  await app.register(connectionTestRoutes);
  await app.register(sshKeyRoutes);
};
