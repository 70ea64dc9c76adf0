// The service issue's figures, side by side in one run: the connections list at 10,000 connections and the commits
// list of a 10,000-commit branch, each through the API (median latency of sequential requests over loopback), and
// the authenticated GET /api/v1/connections throughput against a bare Fastify hello-world, each server in its own
// process, measured in turns.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateHistory } from '../simulator/git/generate-history.js';
import { startSimulator } from '../simulator/index.js';
import { median, print, startServer, throughput, type Check } from './bench-util.js';

const ORG = 'fabrikam';
const PROJECT = 'Platform';
const REPOSITORY = 'history-10k';
const COMMITS = 10_000;
const CONNECTIONS = 10_000;
const SAMPLES = 60;

interface ServiceReady {
  url: string;
  token: string;
  connectionId: string;
  repositoryId: string;
}

/** Median milliseconds of `SAMPLES` sequential GETs (after 5 warm-ups); every answer must be a 200. */
async function latency(url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
    if (i >= 5) times.push(performance.now() - t);
    bytes = body.byteLength;
  }
  return { ms: median(times), bytes };
}

export async function serviceBenchmarks(): Promise<Check[]> {
  const checks: Check[] = [];
  const sim = await startSimulator({ seed: 'demo' });
  try {
    await sim.control.createRepository(ORG, PROJECT, { name: REPOSITORY });
    const { repository } = sim.control.repository(ORG, PROJECT, REPOSITORY);
    await generateHistory(sim.context.repos.git(repository), {
      branch: 'main',
      commits: COMMITS,
      files: 200,
      authors: [{ name: 'Ada Generated', email: 'ada@example.com', date: new Date() }],
      startDate: new Date('2023-01-01T00:00:00Z'),
      intervalSeconds: 600,
    });
    sim.context.repos.invalidate(repository.id);
    const pat = sim.ready.users.find((u) => u.name === 'alice@example.com')?.pats.find((p) => p.name === 'full')?.token;
    if (!pat) throw new Error('the demo seed gives alice a full PAT');

    // The service's process gets the simulator's endpoints through its environment, as `npm run demo` does.
    Object.assign(process.env, sim.ready.env);
    const started = performance.now();
    const service = await startServer<ServiceReady>('bench/servers/service.ts', [pat, PROJECT, REPOSITORY, String(CONNECTIONS)]);
    const prepareMs = performance.now() - started;
    const hello = await startServer<{ url: string }>('bench/servers/hello.ts');
    try {
      const { url, token, connectionId, repositoryId } = service.ready;
      const auth = { authorization: `Bearer ${token}` };
      const api = `${url}/api/v1`;

      const firstPage = await latency(`${api}/connections`, auth);
      const firstPageBody = (await (await fetch(`${api}/connections?limit=500`, { headers: auth })).json()) as { nextCursor: string | null };
      const middle = await latency(`${api}/connections?limit=50&cursor=${encodeURIComponent(firstPageBody.nextCursor ?? '')}`, auth);
      const biggest = await latency(`${api}/connections?limit=500`, auth);
      const commitsBase = `${api}/connections/${connectionId}/repositories/${repositoryId}/commits`;
      const commitsFirst = await latency(`${commitsBase}?limit=100`, auth);
      const commitsBig = await latency(`${commitsBase}?limit=500`, auth);
      const deep = (await (await fetch(`${commitsBase}?limit=500`, { headers: auth })).json()) as { nextCursor: string | null; source?: string };
      let cursor = deep.nextCursor;
      for (let i = 0; i < 17 && cursor; i++) {
        const page = (await (await fetch(`${commitsBase}?limit=500&cursor=${encodeURIComponent(cursor)}`, { headers: auth })).json()) as { nextCursor: string | null };
        cursor = page.nextCursor;
      }
      const commitsDeep = await latency(`${commitsBase}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, auth);

      print(`Service lists through the API (median of ${SAMPLES} sequential GETs, Bearer token, over loopback)`, [
        ['preparing: 10,000 connections added through the library, mirror of 10,000 commits', `${(prepareMs / 1000).toFixed(1)} s`],
        [`connections, first page (default 50 of ${CONNECTIONS.toLocaleString('en')})`, `${firstPage.ms.toFixed(1)} ms  (${firstPage.bytes} bytes)`],
        ['connections, page after the first 500 (cursor)', `${middle.ms.toFixed(1)} ms`],
        ['connections, 500 per page', `${biggest.ms.toFixed(1)} ms  (${biggest.bytes} bytes)`],
        [`commits of a ${COMMITS.toLocaleString('en')}-commit branch, first 100 (source: ${deep.source ?? '?'})`, `${commitsFirst.ms.toFixed(1)} ms  (${commitsFirst.bytes} bytes)`],
        ['commits, 500 per page', `${commitsBig.ms.toFixed(1)} ms`],
        ['commits, 100 from position ~9,000 (cursor)', `${commitsDeep.ms.toFixed(1)} ms`],
      ]);
      checks.push({ name: 'API connections list at 10,000 connections (first page), median', value: firstPage.ms, target: '< 50 ms', ok: firstPage.ms < 50 });
      checks.push({ name: 'API commits list of a 10,000-commit branch (first page), median', value: commitsFirst.ms, target: '< 50 ms', ok: commitsFirst.ms < 50 });
      checks.push({ name: 'API commits list, 100 from position ~9,000, median', value: commitsDeep.ms, target: '< 50 ms', ok: commitsDeep.ms < 50 });

      // For scale, not for the check: the same answer's bytes sent by a bare Fastify (what an answer of that size
      // costs on this machine by itself, both ends of the loopback), and the service's cheapest route.
      const bodyDir = await mkdtemp(path.join(os.tmpdir(), 'azdo-bench-body-'));
      const bodyFile = path.join(bodyDir, 'connections.json');
      await writeFile(bodyFile, Buffer.from(await (await fetch(`${api}/connections`, { headers: auth })).arrayBuffer()));
      const sameBody = await startServer<{ url: string }>('bench/servers/static-body.ts', [bodyFile]);
      try {
        // Throughput in turns, best of two rounds each: on two shared cores one 5-second run varies by a fifth.
        const best = { hello: 0, service: 0, serviceGzip: 0, sameBody: 0, healthz: 0 };
        for (let round = 0; round < 2; round++) {
          best.hello = Math.max(best.hello, await throughput(`${hello.ready.url}/`));
          best.service = Math.max(best.service, await throughput(`${api}/connections`, auth));
          best.serviceGzip = Math.max(best.serviceGzip, await throughput(`${api}/connections`, { ...auth, 'accept-encoding': 'gzip, deflate, br' }));
          best.sameBody = Math.max(best.sameBody, await throughput(`${sameBody.ready.url}/`));
          best.healthz = Math.max(best.healthz, await throughput(`${url}/healthz`));
        }
        const ratio = best.service / best.hello;
        const of = (n: number): string => `${n.toFixed(0)} req/s  (${(n / best.hello).toFixed(2)}x)`;
        print('Throughput with autocannon (10 connections, 5 s, best of 2 interleaved rounds)', [
          ['bare Fastify hello-world', `${best.hello.toFixed(0)} req/s`],
          ['GET /api/v1/connections (Bearer token, 50 of 10,000 connections, uncompressed: the target)', of(best.service)],
          ['  the same with Accept-Encoding: gzip, as browsers and HTTP libraries send it', of(best.serviceGzip)],
          [`  for scale: bare Fastify sending the same ${firstPage.bytes} bytes`, of(best.sameBody)],
          ['  for scale: the service\'s GET /healthz', of(best.healthz)],
          ['  load average while measuring', `${os.loadavg().map((l) => l.toFixed(1)).join(', ')} (1, 5, 15 min) on ${os.availableParallelism()} cores`],
        ]);
        checks.push({ name: 'API GET /api/v1/connections throughput vs bare Fastify', ratio, value: best.service, target: '>= 0.33x', ok: ratio >= 1 / 3 });
      } finally {
        await sameBody.stop();
        await rm(bodyDir, { recursive: true, force: true });
      }
    } finally {
      await hello.stop();
      await service.stop();
    }
  } finally {
    await sim.stop();
  }
  return checks;
}
