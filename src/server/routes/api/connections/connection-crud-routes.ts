// Connections: list (cursor paging, optional filter), add, show, edit. Secrets go in and never come out: every answer
// is the library's ConnectionView, serialized through a schema that lists only public fields.
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { ConnectionChanges, ConnectionInput, CustomHeaderInput } from '../../../../connections/connection-input.js';
import type { ConnectionView } from '../../../../connections/connection-view.js';
import { Page, PageQuery } from '../../../paging.js';
import { ConnectionParams, problemResponses } from '../../../schemas/common-schema.js';
import { ConnectionChangesSchema, ConnectionInputSchema, ConnectionViewSchema, type ConnectionChangesBody } from '../../../schemas/connection-schema.js';
import { principalOf } from '../../../fastify-types.js';
import { StampedCache } from '../../../stamped-cache.js';
import { acceptsGzip } from '../../../plugins/compression.js';
import { connectionsOf, pageInMemory } from '../route-helpers.js';
import { unionAwareErrorFormatter } from '../union-errors.js';
import { apiView } from './connection-api-view.js';

const TAGS = ['connections'];

const ListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Only connections whose name, label or URL contains this text (any case).' })),
  }),
]);

function headers(list: ConnectionChangesBody['customHeaders']): CustomHeaderInput[] | undefined {
  return list?.map((h) => ({ name: h.name, secret: h.secret ?? false, ...(h.value !== undefined ? { value: h.value } : {}) }));
}

function matches(view: ConnectionView, q: string): boolean {
  const text = q.trim().toLowerCase();
  return [view.name, view.url, ...view.labels].some((s) => s.toLowerCase().includes(text));
}

/** A body already gzipped; the compression plugin leaves an answer with a Content-Encoding alone. */
function sendGzipped(reply: FastifyReply, zipped: Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(zipped);
}

export const connectionCrudRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Pages of the list as sent, while the workspace's connections stay as they were: scripts and pages that poll
  // the list cost one small query each instead of reading, decoding and serializing the page again.
  const pages = new StampedCache({ maxEntries: 256, maxBytes: 32 * 1024 * 1024 });

  app.get(
    '/connections',
    {
      schema: {
        tags: TAGS,
        operationId: 'listConnections',
        summary: 'List the workspace\'s connections, by name',
        querystring: ListQuery,
        response: { 200: Page(ConnectionViewSchema, 'Connection'), ...problemResponses },
      },
    },
    async (request, reply) => {
      const connections = connectionsOf(request);
      const { q, limit, cursor } = request.query;
      if (q !== undefined && q.trim() !== '') {
        // A workspace holds tens of connections, not thousands: filtering them all is one query.
        const all = (await connections.listAllConnections()).filter((v) => matches(v, q));
        const page = pageInMemory(all, { ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) });
        return { items: page.items.map((v) => apiView(v)), nextCursor: page.nextCursor };
      }
      // The stamp before the page (see stamped-cache.ts); a page is the same for every caller of the workspace.
      const stamp = await connections.changeStamp();
      const key = `${principalOf(request).workspaceId}\n${limit ?? ''}\n${cursor ?? ''}`;
      const gzip = acceptsGzip(request);
      // Compressed once per change too, not per request: for a browser polling the list that is most of the cost.
      const cached = gzip ? pages.get(`${key}\ngzip`, stamp) : undefined;
      if (cached !== undefined) return sendGzipped(reply, cached);
      let body = pages.get(key, stamp);
      if (body === undefined) {
        const page = await connections.listConnections({ ...(limit !== undefined ? { limit } : {}), ...(cursor !== undefined ? { cursor } : {}) });
        // Through the route's response schema, as Fastify would serialize it.
        body = Buffer.from(reply.serialize({ items: page.connections.map((v) => apiView(v)), nextCursor: page.nextCursor }) as string);
        pages.set(key, stamp, body);
      }
      if (gzip) {
        const zipped = gzipSync(body);
        pages.set(`${key}\ngzip`, stamp, zipped);
        return sendGzipped(reply, zipped);
      }
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.post(
    '/connections',
    {
      schema: {
        tags: TAGS,
        operationId: 'addConnection',
        summary: 'Add a connection (validated whole: every mistake is reported at once, and nothing is saved)',
        body: ConnectionInputSchema,
        response: { 201: ConnectionViewSchema, ...problemResponses },
      },
      schemaErrorFormatter: unionAwareErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const input: ConnectionInput = { ...body, customHeaders: headers(body.customHeaders) ?? [] };
      const view = await connectionsOf(request).addConnection(input);
      return reply.code(201).header('location', `/api/v1/connections/${view.id}`).send(apiView(view));
    },
  );

  app.get(
    '/connections/:id',
    {
      schema: {
        tags: TAGS,
        operationId: 'getConnection',
        summary: 'One connection, with its last test\'s report',
        params: ConnectionParams,
        response: { 200: ConnectionViewSchema, ...problemResponses },
      },
    },
    async (request) => apiView(await connectionsOf(request).describeConnection(request.params.id), { withTestResult: true }),
  );

  app.patch(
    '/connections/:id',
    {
      schema: {
        tags: TAGS,
        operationId: 'editConnection',
        summary: 'Change a connection: fields left out are kept (secrets too); null clears an optional one',
        params: ConnectionParams,
        body: ConnectionChangesSchema,
        response: { 200: ConnectionViewSchema, ...problemResponses },
      },
      schemaErrorFormatter: unionAwareErrorFormatter,
    },
    async (request) => {
      const { version, customHeaders, ...rest } = request.body;
      const changes: ConnectionChanges = { ...rest, ...(customHeaders !== undefined ? { customHeaders: headers(customHeaders) } : {}) };
      const view = await connectionsOf(request).editConnection(request.params.id, changes, version !== undefined ? { expectedVersion: version } : {});
      return apiView(view, { withTestResult: true });
    },
  );
};
