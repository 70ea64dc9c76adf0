// The service as a benchmark target, in its own process like `azdo-connect serve`: a new SQLite data directory
// holding 10,000 connections plus one to the simulator (whose endpoints come from the environment) with a mirror
// of a 10,000-commit repository. Prints one JSON ready line: url, an API token, and the ids to ask for.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startService } from '../../src/server/start-service.js';
import { fetchRepository } from '../../src/repositories/mirror-fetch.js';
import { resolveRepositoryArgument } from '../../src/repositories/repository-target.js';

const [pat, project, repository, connectionsArg] = process.argv.slice(2);
if (!pat || !project || !repository) throw new Error('usage: service.ts <pat> <project> <repository> [connections]');
const CONNECTIONS = Number(connectionsArg ?? 10_000);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'azdo-bench-service-'));
// Logs at the default level go nowhere: the figures are the service's, not the terminal's.
const devNull = new Writable({ write: (_chunk, _encoding, done) => done() });
const service = await startService({ port: 0, dataDir, logDestination: devNull, out: devNull, env: process.env });
const { ctx } = service;
const connections = ctx.connectionsFor('default');

// 10,000 connections, added through the library as users would (validated, secrets encrypted), 8 at a time.
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < CONNECTIONS) {
      const i = next++;
      await connections.addConnection({
        name: `bench-${String(i).padStart(5, '0')}`,
        description: `Connection ${i} of the benchmark`,
        labels: ['bench', i % 2 ? 'odd' : 'even'],
        url: `https://dev.azure.com/org${i}`,
        credential: { type: 'pat', token: `bench${i}`.padEnd(52, 'x') },
      });
    }
  }),
);
const sim = await connections.addConnection({ name: 'simulator', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: pat } });
const target = await resolveRepositoryArgument(connections, `${project}/${repository}`, { connection: sim.name });
// As the service's fetch job does: fetch, and index the history for deep pages.
const fetched = await fetchRepository(connections, target, { dataDir, commitGraph: true });

// An API token, made the way an admin makes one: sign in with the first start's link, then create it.
const link = new URL(service.signInUrl ?? '').hash.replace(/^#token=/, '');
const session = await ctx.access.signIn(link);
const principal = await ctx.access.authenticateSession(session.token);
const { token } = await ctx.access.createApiToken(principal, { name: 'bench', scope: 'read', expiresInDays: 1 });

process.stdout.write(`${JSON.stringify({ url: service.url, token, connectionId: sim.id, repositoryId: fetched.mirror.repositoryId })}\n`);
process.once('SIGINT', () => void service.close().then(() => rm(dataDir, { recursive: true, force: true })).then(() => process.exit(0)));
