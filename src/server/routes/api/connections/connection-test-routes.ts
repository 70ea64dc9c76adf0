// "Test connection": the doctor's checks, one by one. With `Accept: application/x-ndjson` each check is sent as a
// line the moment it completes, then the result; otherwise one JSON result. An SSH host key seen for the first time
// is never pinned unasked: the result names it, and the caller (a person, in the UI) confirms its fingerprint by
// testing again with `confirmHostKey`.
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { ConnectionService, UnconfirmedHostKey } from '../../../../connections/connection-service.js';
import type { DoctorCheck } from '../../../../connections/doctor/doctor-types.js';
import { problemOf } from '../../../problem.js';
import { ConnectionParams, problemResponses } from '../../../schemas/common-schema.js';
import { ConnectionTestBodySchema, ConnectionTestResultSchema, DoctorCheckSchema } from '../../../schemas/connection-schema.js';
import { connectionsOf, emptyBodyAsObject } from '../route-helpers.js';
import { apiView } from './connection-api-view.js';

type TestResult = Static<typeof ConnectionTestResultSchema>;

export const NDJSON = 'application/x-ndjson';

/** The lines of the NDJSON stream (documented in OpenAPI; the stream itself is written line by line). */
const TestStreamLineSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('check'), check: DoctorCheckSchema }),
    Type.Object({ type: Type.Literal('hostKeyPinned'), hostKey: Type.Object({ host: Type.String(), port: Type.Integer(), fingerprint: Type.String() }) }),
    Type.Object({ type: Type.Literal('result'), result: ConnectionTestResultSchema }),
    Type.Object({ type: Type.Literal('error'), problem: Type.Ref('Problem') }),
  ],
  { title: 'ConnectionTestStreamLine', description: 'One JSON object per line: checks as they complete, then the result (or an error).' },
);

const publicCheck = (c: DoctorCheck): DoctorCheck => ({
  id: c.id,
  code: c.code,
  status: c.status,
  durationMs: c.durationMs,
  message: c.message,
  ...(c.hint !== undefined ? { hint: c.hint } : {}),
  ...(c.details !== undefined ? { details: c.details } : {}),
});

async function runTest(
  connections: ConnectionService,
  id: string,
  confirm: string | undefined,
  events: { onCheck?(check: DoctorCheck): void; onPinned?(key: UnconfirmedHostKey): void } = {},
): Promise<TestResult> {
  let mismatch: { expected: string; seen: string } | undefined;
  const confirmHostKey = (key: UnconfirmedHostKey): boolean => {
    if (confirm === undefined) return false;
    if (key.fingerprint !== confirm.trim()) {
      mismatch = { expected: confirm.trim(), seen: key.fingerprint };
      return false;
    }
    events.onPinned?.(key);
    return true;
  };
  const result = await connections.testConnection(id, { confirmHostKey, ...(events.onCheck ? { onCheck: events.onCheck } : {}) });
  const { report } = result;
  return {
    ok: report.ok && mismatch === undefined,
    connection: apiView(result.connection),
    checks: report.checks.map(publicCheck),
    features: report.features,
    requests: report.requests,
    durationMs: report.durationMs,
    ...(report.credentialExpiresAt !== undefined ? { credentialExpiresAt: report.credentialExpiresAt } : {}),
    ...(report.unconfirmedHostKey ? { unconfirmedHostKey: report.unconfirmedHostKey } : {}),
    ...(result.pinnedHostKey ? { pinnedHostKey: result.pinnedHostKey } : {}),
    ...(mismatch ? { hostKeyMismatch: mismatch } : {}),
  };
}

export const connectionTestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/connections/:id/test',
    {
      schema: {
        tags: ['connections'],
        operationId: 'testConnection',
        summary: 'Run the connection\'s checks; with Accept: application/x-ndjson, stream each check as it completes',
        params: ConnectionParams,
        body: ConnectionTestBodySchema,
        response: {
          200: {
            description: 'The result; or, when asked for NDJSON, one line per check then the result.',
            content: { 'application/json': { schema: ConnectionTestResultSchema }, [NDJSON]: { schema: TestStreamLineSchema } },
          },
          ...problemResponses,
        },
      },
      preValidation: emptyBodyAsObject,
    },
    async (request, reply) => {
      const connections = connectionsOf(request);
      // Found (or 404) before anything is streamed, so a missing connection is an ordinary problem answer.
      const view = await connections.describeConnection(request.params.id);
      const confirm = request.body.confirmHostKey;
      reply.header('cache-control', 'no-store');
      if (!(request.headers.accept ?? '').includes(NDJSON)) return runTest(connections, view.id, confirm);

      const stream = new PassThrough();
      const line = (value: unknown): void => {
        stream.write(`${JSON.stringify(value)}\n`);
      };
      void runTest(connections, view.id, confirm, {
        onCheck: (check) => line({ type: 'check', check: publicCheck(check) }),
        onPinned: (key) => line({ type: 'hostKeyPinned', hostKey: { host: key.host, port: key.port, fingerprint: key.fingerprint } }),
      })
        .then((result) => line({ type: 'result', result }))
        .catch((error: unknown) => {
          if (problemOf(error).status >= 500) request.log.error({ err: error, reqId: request.id }, 'connection test failed');
          line({ type: 'error', problem: problemOf(error) });
        })
        .finally(() => stream.end());
      return reply.type(NDJSON).send(stream);
    },
  );
};
