// The real fetch and snapshot handlers in the queue, on both stores, against the demo simulator with real git:
// progress while git runs, a restart in the middle of a fetch, cancel, snapshot files, and bad input.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { endpointsFromEnv } from '../../src/azure/endpoints.js';
import { Vault } from '../../src/credentials/vault.js';
import { createJobQueue } from '../../src/jobs/create-job-queue.js';
import { jobHandlers } from '../../src/jobs/job-handlers.js';
import type { Job, JobProgress, JobQueue } from '../../src/jobs/job-queue.js';
import { snapshotFile, snapshotsDir } from '../../src/jobs/snapshot-files.js';
import { createServiceContext } from '../../src/server/create-service-context.js';
import { ServiceMetrics } from '../../src/server/metrics.js';
import type { ServiceContext } from '../../src/server/service-context.js';
import type { JsonValue } from '../../src/store/columns.js';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';
import { tarFiles } from '../git/snapshot-repos.js';
import { DIALECTS, testStores, type TestStore } from '../store/test-stores.js';
import { FAST, queueOver, waitFor, waitForState } from './job-test-kit.js';

const WS = 'default';
let sim: RunningSimulator;
let pat: string;
const stores = testStores();
const queues: JobQueue[] = [];

beforeAll(async () => {
  sim = await startSimulator({ seed: 'demo' });
  pat = sim.ready.users.find((u) => u.name === 'alice@example.com')!.pats.find((p) => p.name === 'full')!.token;
}, 120_000);

afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop({ graceMs: 0 });
  sim.context.faults.clear();
});

afterAll(async () => {
  await stores.cleanup();
  await sim?.stop();
});

describe.each(DIALECTS)('fetch and snapshot jobs on %s', (dialect) => {
  let store: TestStore;
  let ctx: ServiceContext;
  let connectionId: string;

  beforeAll(async () => {
    store = await stores.open(dialect);
    const env = { AZDO_CONNECT_SECRET_KEY: randomBytes(32).toString('base64'), ...sim.ready.env };
    const vault = await Vault.open({ dataDir: store.dataDir, env });
    ctx = createServiceContext({ store, vault, endpoints: endpointsFromEnv(env), config: { dataDir: store.dataDir } });
    connectionId = (await ctx.connectionsFor(WS).addConnection({ name: 'fabrikam', url: 'https://dev.azure.com/fabrikam', credential: { type: 'pat', token: pat } })).id;
  });

  /** A queue with the service's real handlers, started. */
  async function startQueue(): Promise<JobQueue> {
    const queue = createJobQueue({ store, logger: pino({ level: 'silent' }), metrics: new ServiceMetrics(), handlers: jobHandlers(() => ctx), settings: FAST });
    queues.push(queue);
    await queue.start();
    return queue;
  }

  function fetchInput(name: string): JsonValue {
    return { connectionId, repository: { project: 'Platform', name } };
  }

  /** git's first request for the repository waits this long in the simulator: the job is running meanwhile. */
  function stallGit(repository: string, ms: number): void {
    sim.context.faults.add({ path: `/_git/${repository}/(info/refs|git-upload-pack)$`, latencyMs: ms, times: 1 });
  }

  it('runs a fetch, showing progress while it runs, and records the mirror', async () => {
    const queue = await startQueue();
    stallGit('shared-lib', 5000);
    const job = await queue.enqueue({ workspaceId: WS, kind: 'fetch', input: fetchInput('shared-lib') });
    // git waits for the simulator meanwhile: the job is seen running, in its first phase.
    await waitFor('the job to be running, connecting', async () => {
      const now = await queue.get(WS, job.id);
      return now.state === 'running' && now.progress?.phase === 'connecting';
    });
    const done = await waitForState(queue, WS, job.id, 'succeeded', 30_000);
    expect(done.result).toMatchObject({ connection: 'fabrikam', project: 'Platform', name: 'shared-lib', status: 'ready', created: true, partial: false });
    // The service pages commits deep into history from this mirror: the fetch indexed it.
    const mirror = (done.result as { path: string }).path;
    expect(await readdir(path.join(mirror, 'objects', 'info', 'commit-graphs'))).toContain('commit-graph-chain');
  });

  it('resumes a fetch interrupted by a stop in a new queue, which completes it', async () => {
    const first = await startQueue();
    stallGit('app-with-submodule', 5000);
    const job = await first.enqueue({ workspaceId: WS, kind: 'fetch', input: { ...(fetchInput('app-with-submodule') as object), filter: 'blob:none' } });
    await waitForState(first, WS, job.id, 'running');
    await first.stop({ graceMs: 0 });
    expect(await first.get(WS, job.id)).toMatchObject({ state: 'queued', attempts: 1 });

    const second = await startQueue();
    const done = await waitForState(second, WS, job.id, 'succeeded', 30_000);
    expect(done).toMatchObject({ attempts: 2, result: { name: 'app-with-submodule', status: 'ready', partial: true } });
  });

  it('cancels a running fetch, and the next fetch of that repository works', async () => {
    const queue = await startQueue();
    stallGit('shared-lib', 5000);
    const job = await queue.enqueue({ workspaceId: WS, kind: 'fetch', input: fetchInput('shared-lib') });
    await waitForState(queue, WS, job.id, 'running');
    expect((await queue.cancel(WS, job.id)).state).toBe('cancelled');
    const again = await queue.enqueue({ workspaceId: WS, kind: 'fetch', input: fetchInput('shared-lib') });
    await waitForState(queue, WS, again.id, 'succeeded', 30_000);
    expect((await queue.get(WS, job.id)).state).toBe('cancelled');
  });

  it('writes a snapshot by repository id to {data}/snapshots/{jobId}.tar.gz, leaving nothing half-written', async () => {
    const queue = await startQueue();
    const fetched = await queue.enqueue({ workspaceId: WS, kind: 'fetch', input: fetchInput('shared-lib') });
    const { repositoryId } = (await waitForState(queue, WS, fetched.id, 'succeeded', 30_000)).result as { repositoryId: string };
    const job = await queue.enqueue({ workspaceId: WS, kind: 'snapshot', input: { connectionId, repository: { id: repositoryId } } });
    const done = await waitForState(queue, WS, job.id, 'succeeded', 30_000);
    expect(done.result).toMatchObject({ repository: 'shared-lib', project: 'Platform', ref: 'main', fileName: 'shared-lib-main.tar.gz', files: 3, submodules: [] });
    expect(await tarFiles(snapshotFile(store.dataDir, job.id))).toEqual(['README.md', 'src/dates.ts', 'src/strings.ts']);
    expect((await readdir(snapshotsDir(store.dataDir))).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('reports writing the archive as its own phase, "archiving files", from its first percent to 100', async () => {
    // The real handlers, each progress report they make recorded on its way to the queue.
    const handlers = jobHandlers(() => ctx);
    const reports: JobProgress[] = [];
    const queue = queueOver(store, {
      fetch: handlers.fetch,
      snapshot: (job, context) =>
        handlers.snapshot(job, {
          signal: context.signal,
          reportProgress: (p) => {
            reports.push(p);
            context.reportProgress(p);
          },
        }),
    });
    queues.push(queue);
    await queue.start();
    const job = await queue.enqueue({ workspaceId: WS, kind: 'snapshot', input: { connectionId, repository: { project: 'Platform', name: 'shared-lib' } } });
    const done = await waitForState(queue, WS, job.id, 'succeeded', 30_000);
    expect(done.result).toMatchObject({ files: 3 });

    const phases = reports.map((r) => r.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases[0]).toBe('connecting');
    expect(phases.slice(-2)).toEqual(['archiving files', 'saving the archive']);
    const archiving = reports.filter((r) => r.phase === 'archiving files');
    const known = archiving.flatMap((r) => (r.percent === null ? [] : [r.percent]));
    expect(known.at(-1)).toBe(100);
    expect(known.every((p, i) => i === 0 || p > known[i - 1]!)).toBe(true);
  });

  it('fails a snapshot of a branch that does not exist with the library\'s code, and keeps no file', async () => {
    const queue = await startQueue();
    const job = await queue.enqueue({ workspaceId: WS, kind: 'snapshot', input: { connectionId, repository: { project: 'Platform', name: 'shared-lib' }, ref: 'no-such-branch' } });
    const failed = await waitForState(queue, WS, job.id, 'failed', 30_000);
    expect(failed.error).toMatchObject({ code: 'AZDO_BRANCH_NOT_FOUND' });
    const files = await readdir(snapshotsDir(store.dataDir));
    expect(files.filter((f) => f.startsWith(job.id))).toEqual([]);
  });

  it('fails a job whose input names no repository or an unknown connection', async () => {
    const queue = await startQueue();
    const cases: Array<[JsonValue, string]> = [
      [{ connectionId }, 'AZDO_JOB_INPUT_INVALID'],
      [{ connectionId, repository: { name: 'shared-lib' } }, 'AZDO_JOB_INPUT_INVALID'],
      [{ connectionId, repository: { project: 'Platform', name: 'shared-lib' }, filter: 'tree:0' }, 'AZDO_JOB_INPUT_INVALID'],
      [{ connectionId: 'no-such-connection', repository: { project: 'Platform', name: 'shared-lib' } }, 'AZDO_CONNECTION_NOT_FOUND'],
    ];
    const jobs: Job[] = [];
    for (const [input] of cases) jobs.push(await queue.enqueue({ workspaceId: WS, kind: 'fetch', input }));
    for (let i = 0; i < cases.length; i++) {
      const failed = await waitForState(queue, WS, jobs[i]!.id, 'failed');
      expect(failed.error?.code, JSON.stringify(cases[i]![0])).toBe(cases[i]![1]);
    }
  });

  it('runs a job of one workspace with that workspace\'s connections only', async () => {
    await store.db.insertInto('workspaces').values({ id: 'elsewhere', name: 'Elsewhere', created_at: new Date().toISOString() }).execute();
    const queue = await startQueue();
    const job = await queue.enqueue({ workspaceId: 'elsewhere', kind: 'fetch', input: fetchInput('shared-lib') });
    const failed = await waitFor('the job to fail', async () => {
      const j = await queue.get('elsewhere', job.id);
      return j.state === 'failed' ? j : undefined;
    });
    expect(failed.error?.code).toBe('AZDO_CONNECTION_NOT_FOUND');
  });
});
