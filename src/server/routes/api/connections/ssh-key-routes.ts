// A new RSA key pair for an SSH connection. The one exception to write-only secrets: the private key is the caller's
// own, made for them on the spot, returned once with Cache-Control: no-store, and kept nowhere by the service. The
// caller gives it back inside the connection's credential, where the vault encrypts it like any secret.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { generateSshKeyPair, sshKeyExpiry } from '../../../../credentials/ssh-keys.js';
import { problemResponses } from '../../../schemas/common-schema.js';
import { SshKeyPairSchema, SshKeyRequestSchema } from '../../../schemas/connection-schema.js';
import { emptyBodyAsObject } from '../route-helpers.js';

export const sshKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/ssh-keys',
    {
      schema: {
        tags: ['connections'],
        operationId: 'generateSshKey',
        summary: 'Generate an RSA 4096 key pair (returned once, never stored)',
        body: SshKeyRequestSchema,
        response: { 201: SshKeyPairSchema, ...problemResponses },
      },
      preValidation: emptyBodyAsObject,
    },
    async (request, reply) => {
      const comment = request.body.comment;
      const pair = await generateSshKeyPair(comment !== undefined ? { comment } : {});
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({ publicKey: pair.publicKey, privateKey: pair.privateKey, fingerprint: pair.fingerprint, bits: pair.bits, expiresAt: sshKeyExpiry(new Date()) });
    },
  );
};
