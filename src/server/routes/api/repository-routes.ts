// The repositories API, under /connections/{id}: projects, repositories and their selection, branches, tags, commits
// (hide/unhide), pull requests, trees, files, mirrors, fetch and snapshot jobs; and POST /resolve for any URL.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { browseRoutes } from './repositories/browse-routes.js';
import { commitRoutes } from './repositories/commit-routes.js';
import { repositoryJobRoutes } from './repositories/repository-job-routes.js';
import { repositoryListRoutes } from './repositories/repository-list-routes.js';
import { resolveRoutes } from './repositories/resolve-routes.js';
import { selectionRoutes } from './repositories/selection-routes.js';

export const repositoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(repositoryListRoutes);
  await app.register(selectionRoutes);
  await app.register(browseRoutes);
  await app.register(commitRoutes);
  await app.register(repositoryJobRoutes);
  await app.register(resolveRoutes);
};
