// What `azdo-connect serve` is told, from its options and the environment (options win). Every mistake is reported
// at once, naming the variable or option to fix, before anything is opened.
import { AzdoError } from '../errors/azdo-error.js';
import { storeOptionsFromEnv, type StoreLocation } from '../store/store-options-from-env.js';
import { DEFAULT_BODY_LIMIT } from './create-service-context.js';

export const CONFIG_INVALID = 'AZDO_CONFIG_INVALID';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_GRACE_SECONDS = 10;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a caller (the CLI, a test, an embedder) may give instead of the environment. */
export interface ServiceOverrides {
  port?: number;
  host?: string;
  /** The data directory (instead of AZDO_CONNECT_DATA). */
  dataDir?: string;
  publicUrl?: string;
  logLevel?: LogLevel;
  /** How long running jobs may take to finish at shutdown before they are aborted and queued again. */
  graceMs?: number;
}

export interface ServiceSettings {
  port: number;
  host: string;
  /** Undefined: http://localhost:{port}, known once the port is. */
  publicUrl?: string;
  store: StoreLocation;
  bodyLimit: number;
  logLevel: LogLevel;
  metricsToken?: string;
  graceMs: number;
  /** The email of the administrator created on first start. */
  adminEmail?: string;
}

function problem(field: string, message: string, hint: string): { field: string; code: string; message: string; hint: string } {
  return { field, code: CONFIG_INVALID, message, hint };
}

type Problem = ReturnType<typeof problem>;

function integer(raw: string | undefined, field: string, min: number, max: number, problems: Problem[], hint: string): number | undefined {
  const text = raw?.trim();
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(problem(field, `${field} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}.`, hint));
    return undefined;
  }
  return n;
}

export function checkPublicUrl(raw: string, field: string, problems: Problem[]): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    problems.push(problem(field, `${field} is not a URL: ${JSON.stringify(raw)}.`, 'Give the URL people open, e.g. https://azdo-connect.example.com or http://localhost:8080.'));
    return undefined;
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    problems.push(problem(field, `${field} must be a plain http:// or https:// URL (no query, fragment or user), not ${JSON.stringify(raw)}.`, 'Give the URL people open, e.g. https://azdo-connect.example.com.'));
    return undefined;
  }
  // No trailing slash: links are built as `${publicUrl}/sign-in#token=...`.
  return url.toString().replace(/\/+$/, '');
}

export function serviceSettings(env: NodeJS.ProcessEnv, o: ServiceOverrides = {}): ServiceSettings {
  const problems: Problem[] = [];
  const port = o.port ?? integer(env.PORT, 'PORT', 0, 65535, problems, 'Set PORT (or --port) to a free port, e.g. 8080; 0 picks a free one.') ?? DEFAULT_PORT;
  const host = o.host ?? (env.HOST?.trim() || DEFAULT_HOST);
  const rawUrl = o.publicUrl ?? (env.AZDO_CONNECT_PUBLIC_URL?.trim() || undefined);
  const publicUrl = rawUrl === undefined ? undefined : checkPublicUrl(rawUrl, o.publicUrl !== undefined ? '--public-url' : 'AZDO_CONNECT_PUBLIC_URL', problems);
  const bodyLimit =
    integer(env.AZDO_CONNECT_BODY_LIMIT, 'AZDO_CONNECT_BODY_LIMIT', 1024, 1024 ** 3, problems, 'Set it in bytes, e.g. 1048576 (1 MiB, the default), or unset it.') ?? DEFAULT_BODY_LIMIT;
  const level = o.logLevel ?? (env.LOG_LEVEL?.trim().toLowerCase() || 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push(problem('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(level)}.`, 'Set LOG_LEVEL=info (the default) or unset it.'));
  }
  const graceSeconds = integer(env.AZDO_CONNECT_SHUTDOWN_GRACE_SECONDS, 'AZDO_CONNECT_SHUTDOWN_GRACE_SECONDS', 0, 3600, problems, 'Set it in seconds, e.g. 10 (the default).');
  const metricsToken = env.AZDO_CONNECT_METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    problems.push(problem('AZDO_CONNECT_METRICS_TOKEN', 'AZDO_CONNECT_METRICS_TOKEN is too short to be a secret (fewer than 16 characters).', 'Use a random value, e.g. from `openssl rand -hex 32`, or unset it to make /metrics public.'));
  }
  const adminEmail = env.AZDO_CONNECT_ADMIN_EMAIL?.trim() || undefined;

  const first = problems[0];
  if (first) {
    throw new AzdoError(CONFIG_INVALID, problems.length === 1 ? first.message : `The service's configuration has ${problems.length} mistakes: ${problems.map((p) => p.field).join(', ')}.`, first.hint, {
      field: first.field,
      fields: problems,
    });
  }
  const store = storeOptionsFromEnv(o.dataDir !== undefined ? { ...env, AZDO_CONNECT_DATA: o.dataDir } : env);
  return {
    port,
    host,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    store,
    bodyLimit,
    logLevel: level as LogLevel,
    ...(metricsToken !== undefined ? { metricsToken } : {}),
    graceMs: o.graceMs ?? (graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000,
    ...(adminEmail !== undefined ? { adminEmail } : {}),
  };
}
