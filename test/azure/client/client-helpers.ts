import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { AzdoApiError } from '../../../src/azure/client/index.js';

/** A tiny real HTTP server for answers the simulator never gives (203 with Suppress, echoes, odd bodies). */
export interface LocalServer {
  url: string;
  port: number;
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
  stop(): Promise<void>;
}

export async function startLocalServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<LocalServer> {
  const requests: LocalServer['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** A sleep that waits for nothing and remembers what it was asked to wait. */
export function recordingSleep(onSleep?: (ms: number) => Promise<void>): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
      await onSleep?.(ms);
    },
  };
}

/** Awaits a rejection and checks it is an AzdoApiError with this code. */
export async function apiError(promise: Promise<unknown>, code: string): Promise<AzdoApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AzdoApiError);
  const e = error as AzdoApiError;
  expect(e.code, e.message).toBe(code);
  return e;
}

export async function control(sim: RunningSimulator, method: string, path: string, body?: unknown): Promise<unknown> {
  const r = await fetch(`${sim.controlUrl}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!r.ok) throw new Error(`control ${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? undefined : r.json();
}

export interface LoggedRequest {
  method: string;
  url: string;
  status: number;
  identity?: string;
}

/** The simulator's log of Azure DevOps requests after `since` (the control API's own requests left out). */
export async function requestLog(sim: RunningSimulator, since = 0): Promise<{ lastSeq: number; requests: LoggedRequest[] }> {
  const log = (await control(sim, 'GET', `/requests?since=${since}`)) as { lastSeq: number; requests: LoggedRequest[] };
  return { lastSeq: log.lastSeq, requests: log.requests.filter((r) => !r.url.startsWith('/_simulator')) };
}
