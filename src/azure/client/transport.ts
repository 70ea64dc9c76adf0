import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import zlib from 'node:zlib';
import { AzdoError } from '../../errors/azdo-error.js';
import type { AzdoRequest, RawResponse, Transport } from './types.js';

export type TransportFailureKind = 'network' | 'timeout' | 'tls';

/** No HTTP answer arrived: the connection failed, timed out, or the server's certificate was refused. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportFailureKind,
    /** Node's error code (ECONNRESET, ENOTFOUND, SELF_SIGNED_CERT_IN_CHAIN, ...) or TIMEOUT. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// Certificate problems Node reports by code; every one of them means "this certificate is not trusted".
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
]);

export const TLS_CA_INVALID = 'AZDO_TLS_CA_INVALID';

/**
 * Checks a PEM bundle and returns its certificates. A bundle that holds no certificate would otherwise be accepted
 * silently and fail later as "untrusted", which would send the user looking in the wrong place.
 */
export function parseCaBundle(pem: string): string[] {
  const blocks = typeof pem === 'string' ? (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) : [];
  const invalid = (): AzdoError =>
    new AzdoError(
      TLS_CA_INVALID,
      'The CA bundle holds no readable certificate.',
      'Paste the certificate authority as PEM text: one or more blocks from "-----BEGIN CERTIFICATE-----" to "-----END CERTIFICATE-----" (export it from the server or ask its administrator).',
    );
  if (blocks.length === 0) throw invalid();
  for (const block of blocks) {
    try {
      new X509Certificate(block);
    } catch {
      throw invalid();
    }
  }
  return blocks;
}

function headersOf(message: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function decoded(message: http.IncomingMessage): NodeJS.ReadableStream {
  switch ((message.headers['content-encoding'] ?? '').toLowerCase()) {
    case 'gzip':
      return message.pipe(zlib.createGunzip());
    case 'deflate':
      return message.pipe(zlib.createInflate());
    case 'br':
      return message.pipe(zlib.createBrotliDecompress());
    default:
      return message;
  }
}

export interface NodeTransport extends Transport {
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * HTTP(S) over node:http and node:https, so a Server's CA bundle can be added without another dependency. The CA is
 * trusted in addition to Node's own roots; verification is never turned off. Redirects are not followed: a
 * redirect would carry the credential to wherever it points, so the caller decides what a 3xx means.
 */
export function createNodeTransport(o: { ca?: string } = {}): NodeTransport {
  const ca = o.ca === undefined ? undefined : [...rootCertificates, ...parseCaBundle(o.ca)];
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });

  const send = (request: AzdoRequest): Promise<RawResponse> =>
    new Promise<RawResponse>((resolve, reject) => {
      const secure = request.url.protocol === 'https:';
      const headers = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(request.body.length);
      let settled = false;
      const fail = (error: TransportError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(error);
      };
      const req = (secure ? https : http).request(request.url, { method: request.method, headers, agent: secure ? httpsAgent : httpAgent });
      const timer = setTimeout(
        () => fail(new TransportError('timeout', 'TIMEOUT', `no answer within ${request.timeoutMs} ms`)),
        request.timeoutMs,
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'ERR_NETWORK';
        fail(new TransportError(TLS_CODES.has(code) ? 'tls' : 'network', code, error.message));
      });
      req.on('response', (message) => {
        const chunks: Buffer[] = [];
        const body = decoded(message);
        body.on('data', (chunk: Buffer) => chunks.push(chunk));
        body.on('error', (error: NodeJS.ErrnoException) => fail(new TransportError('network', error.code ?? 'ECONNRESET', error.message)));
        // A connection dropped mid-body closes the message before it is complete; piping does not forward that.
        const cut = (): void => fail(new TransportError('network', 'ECONNRESET', 'the connection closed before the answer was complete'));
        message.on('error', cut);
        message.on('close', () => {
          if (!message.complete) cut();
        });
        body.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: message.statusCode ?? 0, headers: headersOf(message), body: Buffer.concat(chunks) });
        });
      });
      req.end(request.body);
    });

  return Object.assign(send, {
    close(): void {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}
