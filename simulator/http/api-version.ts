import type { FastifyRequest } from 'fastify';
import type { Host } from '../state/model.js';
import { AdoErrors, type AdoHttpError } from './ado-errors.js';

const VERSION = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/;

export interface ApiVersionRange {
  /** Highest version, previews included. */
  max: string;
  /** Highest version that needs no -preview flag. */
  released: string;
}

/**
 * What a host speaks. Services: 7.1, and 7.2 as a preview. Azure DevOps Server's range follows its release
 * (2019: 5.x, 2020: 6.0, 2022: 7.0, 2022.1 and later: 7.1), which is how a client can tell an old server.
 */
export function apiVersionRange(host: Host): ApiVersionRange {
  if (host.kind === 'services') return { max: '7.2', released: '7.1' };
  const version = host.serverVersion ?? '2022.1';
  const year = Number.parseFloat(version);
  if (year < 2019) return { max: '4.1', released: '4.1' };
  if (year < 2020) return { max: '5.1', released: '5.0' };
  if (year < 2022) return { max: '6.0', released: '6.0' };
  if (version === '2022' || version === '2022.0') return { max: '7.0', released: '7.0' };
  return { max: '7.1', released: '7.1' };
}

/** The api-version travels in the query string or in the Accept header (`application/json;api-version=7.1`, FACTS §10). */
export function requestedApiVersion(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.['api-version'];
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const accept = String(request.headers.accept ?? '');
  const match = /api-version=([^;,\s]+)/i.exec(accept);
  return match?.[1];
}

export function checkApiVersion(request: FastifyRequest, range: ApiVersionRange): AdoHttpError | undefined {
  const requested = requestedApiVersion(request);
  if (requested === undefined) return undefined;
  const match = VERSION.exec(requested);
  if (!match) return AdoErrors.invalidArgumentValue('api-version', `The version '${requested}' is not a valid api-version.`);
  const numeric = Number(`${match[1]}.${match[2]}`);
  if (numeric > Number(range.max)) return AdoErrors.versionOutOfRange(requested, range.max);
  if (numeric > Number(range.released) && !match[3]) return AdoErrors.previewWithoutFlag(requested);
  return undefined;
}
