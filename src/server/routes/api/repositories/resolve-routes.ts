// Any Azure DevOps URL of a repository or of something in it (clone URL, branch, tag, commit, file, folder, pull
// request), resolved through the workspace's connection to its organization or collection. It only reads, so
// read-only callers may use it although it is a POST (the URL travels in the body, not in logs of query strings).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { resolveUrl } from '../../../../repositories/resolve.js';
import { getMirror } from '../../../../store/mirrors-repo.js';
import { problemResponses } from '../../../schemas/common-schema.js';
import { ResolveBodySchema, ResolvedSchema } from '../../../schemas/repository-schema.js';
import { connectionsOf } from '../route-helpers.js';
import { commitFromAzure, fileView, mirrorSummary, pullRequestView } from './repository-api-views.js';

type Resolved = Static<typeof ResolvedSchema>;

export const resolveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/resolve',
    {
      config: { access: 'read' },
      schema: {
        tags: ['repositories'],
        operationId: 'resolveUrl',
        summary: 'What an Azure DevOps URL names (repository, branch, tag, commit, file, folder or pull request), read through its connection',
        body: ResolveBodySchema,
        response: { 200: ResolvedSchema, ...problemResponses },
      },
    },
    async (request): Promise<Resolved> => {
      const connections = connectionsOf(request);
      const { url, connection } = request.body;
      const r = await resolveUrl(connections, url, connection !== undefined ? { connection } : {});
      const view = await connections.describeConnection(r.connection);
      const mirror = await getMirror(connections.store.db, { connectionId: view.id, repositoryId: r.repository.id.toLowerCase() });
      const common = { connection: { id: view.id, name: view.name }, repository: { ...r.repository, mirror: mirror ? mirrorSummary(mirror) : null } };
      switch (r.type) {
        case 'repository':
          return { ...common, type: r.type };
        case 'branch':
          return { ...common, type: r.type, branch: r.branch, commit: commitFromAzure(r.commit) };
        case 'tag':
          return { ...common, type: r.type, tag: r.tag, commit: commitFromAzure(r.commit) };
        case 'commit':
          return { ...common, type: r.type, commit: commitFromAzure(r.commit) };
        case 'file':
          return { ...common, type: r.type, version: r.version, file: fileView(r.file) };
        case 'folder':
          return { ...common, type: r.type, version: r.version, path: r.path, commitId: r.commitId, entries: r.entries };
        case 'pullRequest':
          return { ...common, type: r.type, pullRequest: pullRequestView(r.pullRequest), commits: r.commits.map((c) => commitFromAzure(c)) };
      }
    },
  );
};
