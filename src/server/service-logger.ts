// The service's JSON log: one line per event, ISO time, level names, and secrets redacted before anything is
// written. Redaction is by key, at every depth, because a secret can arrive nested in an error's details, a job's
// input or a request's headers.
//
// It works on the finished line rather than through pino's `redact` paths: those are evaluated (parsed and walked,
// a hundred-odd wildcard paths) for every value of every line and for every child logger's bindings, which cost more
// than the rest of answering a request. A line names no secret key in the common case, which one scan of its text
// tells; only a line that does is parsed, redacted and written again. Working on the text also covers what the
// paths could not: child loggers' bindings, errors' own fields after pino serialized them, keys at any depth.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './service-settings.js';

export const REDACTED = '[redacted]';

/** Keys whose values are secrets wherever they appear (compared without regard to case). */
const SECRET_KEYS = [
  'token',
  'pat',
  'privateKey',
  'passphrase',
  'clientSecret',
  'password',
  'secret',
  'secretKey',
  'sessionToken',
  'apiToken',
  'csrfToken',
  'authorization',
  'cookie',
  // Headers, as Node and Fastify name them (lower case) and as the client's errors carry them.
  'set-cookie',
  'x-csrf-token',
  'proxy-authorization',
];

/** Lists of `{ name, value }` headers: a connection's custom headers, whose values may be a proxy's secret. */
const HEADER_LISTS = ['customHeaders', 'headers'];

const SECRET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const LISTS = new Set(HEADER_LISTS.map((k) => k.toLowerCase()));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** A JSON member whose key is one of the above: `"token":`, `"Cookie":`, `"customHeaders":` ... */
const NAMES_A_SECRET = new RegExp(`"(?:${[...SECRET_KEYS, ...HEADER_LISTS].map(escapeRegExp).join('|')})"\\s*:`, 'i');

function isSecretKey(key: string): boolean {
  return SECRET.has(key) || SECRET.has(key.toLowerCase());
}

/** A copy of parsed JSON with secret values replaced; `value`s of header lists too. */
function redactParsed(value: unknown, inHeaderList = false): unknown {
  if (Array.isArray(value)) return value.map((item) => redactParsed(item, inHeaderList));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key) || (inHeaderList && key === 'value')) out[key] = REDACTED;
    else out[key] = redactParsed(item, Array.isArray(item) && LISTS.has(key.toLowerCase()));
  }
  return out;
}

/** One finished log line (JSON and a newline) with every secret value replaced. */
export function redactLogLine(line: string): string {
  if (!NAMES_A_SECRET.test(line)) return line;
  const newline = line.endsWith('\n');
  try {
    return `${JSON.stringify(redactParsed(JSON.parse(newline ? line.slice(0, -1) : line)))}${newline ? '\n' : ''}`;
  } catch {
    // Not JSON (pino always writes JSON; a test's own stream might not): say so rather than risk the secret.
    return `${JSON.stringify({ level: 'error', msg: 'a log line could not be checked for secrets and was left out' })}\n`;
  }
}

/**
 * pino's isoTime, formatted once per millisecond: a busy service writes several lines in the same one, and formatting
 * the date was the dearest part of writing a line.
 */
function isoTimeOncePerMs(): () => string {
  let last = -1;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== last) {
      last = now;
      text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}

export function createServiceLogger(o: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: o.level,
      hooks: { streamWrite: redactLogLine },
      timestamp: isoTimeOncePerMs(),
      formatters: { level: (label) => ({ level: label }) },
      base: { service: 'azdo-connect', pid: process.pid },
    },
    // Synchronous: the last lines before an exit (shutdown, a fatal error) must not be lost in a buffer.
    o.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
