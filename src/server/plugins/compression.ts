// Answers compressed for clients that accept it (every browser and HTTP library does): a page of 50 connections is
// 25 KB of JSON and about a tenth of that in gzip, which matters over a real network more than anywhere else.
// gzip only: every client has it, and for JSON of this size brotli at a speed worth paying per request saves little.
// Not compressed: small answers (under 1 KB), NDJSON streams (each line must reach the browser as it is written,
// and a compressor would hold lines back) and archives (already compressed); request bodies are never inflated, so
// the body limit is the limit on what arrives.
import fastifyCompress from '@fastify/compress';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AzdoError } from '../../errors/azdo-error.js';

export const COMPRESSION_THRESHOLD_BYTES = 1024;
export const BODY_ENCODING_UNSUPPORTED = 'AZDO_BODY_ENCODING_UNSUPPORTED';

/** Whether the request accepts gzip (q-values honoured), for routes that keep their answers compressed ahead (stamped-cache.ts). */
export function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  return typeof header === 'string' && negotiate(header, ['gzip']) === 'gzip';
}

export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    global: true,
    encodings: ['gzip'],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    globalDecompression: false,
  });
  // Said plainly, instead of the JSON parser's "not valid JSON" about the compressed bytes. A callback hook, not an
  // async one: it runs on every request, and almost always has nothing to do.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding.trim().toLowerCase() === 'identity') {
      done(null, payload);
      return;
    }
    done(
      new AzdoError(
        BODY_ENCODING_UNSUPPORTED,
        `The request body is compressed (Content-Encoding: ${encoding.slice(0, 40)}); this service takes bodies as they are. Nothing was changed.`,
        'Send the body uncompressed, without a Content-Encoding header.',
      ),
    );
  });
}
