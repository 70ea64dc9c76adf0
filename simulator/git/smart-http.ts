// Git smart HTTP for the simulator: the real git-http-backend run as CGI, plus the Azure Repos behaviours
// that plain git does not have (protocol v0/v1 only, multi_ack required). See FACTS §7.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { gunzip } from 'node:zlib';

export interface SmartHttpRequest {
  /** Raw request; its body has not been consumed yet. */
  req: IncomingMessage;
  /** Raw response; status, headers and body are written here. */
  res: ServerResponse;
  /** Absolute path of the bare repository on disk. */
  repoPath: string;
  service: 'info/refs' | 'git-upload-pack' | 'git-receive-pack';
  /** Raw query string without '?', e.g. "service=git-upload-pack". */
  query: string;
  /** Becomes REMOTE_USER (git records it in the reflog). */
  remoteUser: string;
  extraResponseHeaders?: Record<string, string>;
  /**
   * Called after a git-receive-pack run exited with 0 and before the response is ended, so that whatever the
   * app records for a push (push ids, service hooks) exists by the time the client's `git push` returns.
   */
  onReceivePackDone?(): Promise<void>;
  /** Upload-pack negotiation bodies are buffered for the multi_ack check; larger ones get 413. Default 64 MiB. */
  maxUploadPackRequestBytes?: number;
  /** Defaults to /usr/lib/git-core/git-http-backend. */
  httpBackendPath?: string;
  log?(line: Record<string, unknown>): void;
}

export interface SmartHttpResult {
  service: string;
  status: number;
}

export const TF401041_MULTI_ACK =
  'TF401041: The Git protocol sent is not as expected (Clients must support multi-ack.)';
// Inferred wording for bodies that are not a v0/v1 upload request at all: Azure Repos parses the request itself
// instead of handing it to git, so it rejects those with the same error code rather than a git "protocol error".
export const TF401041_MALFORMED = 'TF401041: The Git protocol sent is not as expected.';

const DEFAULT_BACKEND = '/usr/lib/git-core/git-http-backend';
const DEFAULT_MAX_UPLOAD_PACK_REQUEST = 64 * 1024 * 1024;

/**
 * Looks at the first `want` pkt-line of a (decoded) v0/v1 upload-pack request and tells whether the client
 * declared multi_ack or multi_ack_detailed, as Azure Repos requires. Total: never throws, whatever the bytes.
 */
export function checkUploadPackCapabilities(
  body: Buffer,
): { ok: true } | { ok: false; message: string } {
  // Only the first pkt-line matters: a v0/v1 upload request opens with its wants, and the capability list
  // rides on the first one.
  if (body.length === 0) return { ok: true };
  if (body.length < 4) return { ok: false, message: TF401041_MALFORMED };
  const lenHex = body.toString('latin1', 0, 4);
  if (!/^[0-9a-fA-F]{4}$/.test(lenHex)) return { ok: false, message: TF401041_MALFORMED };
  const len = parseInt(lenHex, 16);
  // A flush first means the client wants nothing; git answers that itself.
  if (len === 0) return { ok: true };
  if (len < 4 || len > body.length) return { ok: false, message: TF401041_MALFORMED };
  const line = body.toString('latin1', 4, len).replace(/\n$/, '');
  if (!line.startsWith('want ')) return { ok: false, message: TF401041_MALFORMED };
  // "want <oid> cap1 cap2 ..."
  const caps = line.split(' ').slice(2);
  if (caps.includes('multi_ack') || caps.includes('multi_ack_detailed')) return { ok: true };
  return { ok: false, message: TF401041_MULTI_ACK };
}

export async function serveSmartHttp(r: SmartHttpRequest): Promise<SmartHttpResult> {
  const { req, res, service } = r;
  const log = r.log ?? (() => undefined);
  const contentEncoding = headerValue(req.headers['content-encoding']);

  let bufferedBody: Buffer | undefined;
  if (service === 'git-upload-pack' && req.method === 'POST') {
    const limit = r.maxUploadPackRequestBytes ?? DEFAULT_MAX_UPLOAD_PACK_REQUEST;
    let raw: Buffer | undefined;
    try {
      raw = await readBody(req, limit);
    } catch {
      // The client went away mid-request; there is nobody left to answer.
      res.destroy();
      return { service, status: res.statusCode };
    }
    if (raw === undefined) {
      return sendText(r, 413, 'The request body is too large.');
    }
    let decoded: Buffer | undefined = raw;
    if (contentEncoding !== undefined && /^(x-)?gzip$/i.test(contentEncoding)) {
      decoded = await gunzipLimited(raw, limit);
    }
    const verdict = decoded === undefined ? { ok: false as const, message: TF401041_MALFORMED } : checkUploadPackCapabilities(decoded);
    if (!verdict.ok) {
      log({ msg: 'upload-pack request rejected', repoPath: r.repoPath, reason: verdict.message });
      return sendText(r, 400, verdict.message);
    }
    bufferedBody = raw;
  }

  return runBackend(r, bufferedBody, contentEncoding);
}

function runBackend(
  r: SmartHttpRequest,
  bufferedBody: Buffer | undefined,
  contentEncoding: string | undefined,
): Promise<SmartHttpResult> {
  const { req, res, service } = r;
  const log = r.log ?? (() => undefined);

  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Inherited GIT_* (GIT_DIR from a hook, GIT_PROTOCOL, ...) would redirect or upgrade the backend.
    if (!k.startsWith('GIT_') && !k.startsWith('HTTP_')) env[k] = v;
  }
  Object.assign(env, {
    GIT_PROJECT_ROOT: path.dirname(r.repoPath),
    PATH_INFO: `/${path.basename(r.repoPath)}/${service}`,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: req.method ?? 'GET',
    QUERY_STRING: r.query,
    REMOTE_USER: r.remoteUser,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    // git enables receive-pack only when REMOTE_USER is non-empty; the app authenticates, so never let git refuse.
    GIT_CONFIG_COUNT: '3',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    // Azure Repos serves partial clones (--filter=blob:none) and the blobs fetched on demand afterwards.
    GIT_CONFIG_KEY_1: 'uploadpack.allowFilter',
    GIT_CONFIG_VALUE_1: 'true',
    GIT_CONFIG_KEY_2: 'uploadpack.allowAnySHA1InWant',
    GIT_CONFIG_VALUE_2: 'true',
  });
  const contentType = headerValue(req.headers['content-type']);
  if (contentType !== undefined) env.CONTENT_TYPE = contentType;
  if (contentEncoding !== undefined) env.HTTP_CONTENT_ENCODING = contentEncoding;
  if (bufferedBody !== undefined) {
    env.CONTENT_LENGTH = String(bufferedBody.length);
  } else {
    const cl = headerValue(req.headers['content-length']);
    // With chunked transfer there is no length; git-http-backend then reads to EOF of our pipe.
    if (cl !== undefined && /^\d+$/.test(cl)) env.CONTENT_LENGTH = cl;
  }
  // Git-Protocol is deliberately not mapped to GIT_PROTOCOL: Azure Repos never answers in protocol v2.

  return new Promise<SmartHttpResult>((resolve) => {
    const child = spawn(r.httpBackendPath ?? DEFAULT_BACKEND, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let settled = false;
    let stderr = '';
    const finish = () => {
      if (settled) return;
      settled = true;
      resolve({ service, status: res.statusCode });
    };

    const abort = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    res.once('close', () => {
      if (!res.writableFinished) abort();
      finish();
    });

    child.on('error', (err) => {
      log({ msg: 'git-http-backend failed to start', error: err.message });
      if (!res.headersSent) {
        sendTextSync(r, 500, 'git-http-backend could not be started.');
      } else {
        res.destroy(err);
      }
    });
    child.stdin.on('error', () => {
      // EPIPE: the backend stopped reading (it rejected the request); its answer still comes on stdout.
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 16_384) stderr += s;
    });

    if (bufferedBody !== undefined) {
      child.stdin.end(bufferedBody);
    } else {
      req.on('error', abort);
      req.pipe(child.stdin);
    }

    const exited = new Promise<number>((res_) => {
      child.once('close', (code) => res_(code ?? 1));
    });

    void pump(child.stdout, r, exited, log, () => stderr).then(finish, (err: unknown) => {
      log({ msg: 'smart http response failed', error: err instanceof Error ? err.message : String(err) });
      abort();
      if (!res.headersSent) sendTextSync(r, 500, 'git-http-backend failed.');
      else res.destroy();
      finish();
    });
  });
}

/** Copies the CGI output to the response: header block first, then the body with backpressure. */
async function pump(
  stdout: NodeJS.ReadableStream,
  r: SmartHttpRequest,
  exited: Promise<number>,
  log: (line: Record<string, unknown>) => void,
  stderr: () => string,
): Promise<void> {
  const { res } = r;
  let head = Buffer.alloc(0);
  let headersDone = false;
  for await (const chunk of stdout as AsyncIterable<Buffer>) {
    if (res.destroyed) break;
    if (!headersDone) {
      head = Buffer.concat([head, chunk]);
      const split = findHeaderEnd(head);
      if (split === undefined) {
        if (head.length > 65_536) throw new Error('CGI header block too large');
        continue;
      }
      headersDone = true;
      applyCgiHeaders(r, head.subarray(0, split.headerEnd).toString('latin1'));
      const rest = head.subarray(split.bodyStart);
      if (rest.length > 0) await write(res, rest);
      continue;
    }
    await write(res, chunk);
  }
  const code = await exited;
  if (!headersDone) {
    log({ msg: 'git-http-backend produced no response', code, stderr: stderr() });
    if (!res.headersSent) sendTextSync(r, 500, 'git-http-backend produced no response.');
    return;
  }
  if (code !== 0) log({ msg: 'git-http-backend exited non-zero', code, stderr: stderr() });
  if (code === 0 && r.service === 'git-receive-pack' && r.req.method === 'POST' && r.onReceivePackDone) {
    try {
      await r.onReceivePackDone();
    } catch (err) {
      log({ msg: 'onReceivePackDone failed', error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (!res.destroyed) await new Promise<void>((done) => res.end(done));
}

function findHeaderEnd(buf: Buffer): { headerEnd: number; bodyStart: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headerEnd: lf, bodyStart: lf + 2 };
  return undefined;
}

function applyCgiHeaders(r: SmartHttpRequest, block: string): void {
  const { res } = r;
  for (const [k, v] of Object.entries(r.extraResponseHeaders ?? {})) res.setHeader(k, v);
  let status = 200;
  const multi = new Map<string, string[]>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const n = parseInt(value, 10);
      if (n >= 100 && n <= 999) status = n;
      continue;
    }
    const key = name.toLowerCase();
    const list = multi.get(key) ?? [];
    list.push(value);
    multi.set(key, list);
    res.setHeader(name, list.length === 1 ? value : list);
  }
  res.statusCode = status;
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  if (res.write(chunk)) return Promise.resolve();
  return new Promise<void>((done) => {
    const onDone = () => {
      res.off('drain', onDone);
      res.off('close', onDone);
      done();
    };
    res.on('drain', onDone);
    res.on('close', onDone);
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function gunzipLimited(buf: Buffer, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    gunzip(buf, { maxOutputLength: limit }, (err, out) => resolve(err ? undefined : out));
  });
}

function headerValue(v: string | string[] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0];
  return v;
}

function sendTextSync(r: SmartHttpRequest, status: number, text: string): void {
  const { res } = r;
  if (res.headersSent || res.destroyed) return;
  for (const [k, v] of Object.entries(r.extraResponseHeaders ?? {})) res.setHeader(k, v);
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function sendText(r: SmartHttpRequest, status: number, text: string): Promise<SmartHttpResult> {
  return new Promise((resolve) => {
    const done = () => resolve({ service: r.service, status: r.res.statusCode });
    if (r.res.headersSent || r.res.destroyed) {
      done();
      return;
    }
    r.res.once('close', done);
    sendTextSync(r, status, text);
  });
}
