// The jobs API over the real service: fetch and snapshot jobs run against the demo simulator with real git, progress
// and results come back through GET /api/v1/jobs/{id}, a snapshot downloads as a .tar.gz, and other workspaces see
// none of it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/job-queue.js';
import { tarFiles } from '../git/snapshot-repos.js';
import { waitFor } from '../jobs/job-test-kit.js';
import { DIALECTS } from '../store/test-stores.js';
import { serviceWorld, type Caller, type ServiceWorld } from './service-world.js';

describe.each(DIALECTS)('jobs API on %s', (dialect) => {
  let world: ServiceWorld;
  let connectionId: string;
  let dir: string;

  beforeAll(async () => {
    world = await serviceWorld({ simulator: true, dialect });
    const added = await world.ctx.connectionsFor('default').addConnection({
      name: 'fabrikam',
      url: 'https://dev.azure.com/fabrikam',
      credential: { type: 'pat', token: world.pat! },
    });
    connectionId = added.id;
    dir = await mkdtemp(path.join(tmpdir(), 'azdo-job-routes-'));
  }, 120_000);

  afterAll(async () => {
    await world?.close();
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  async function getJob(id: string, caller: Caller = world.admin): Promise<Job> {
    const res = await world.request(caller, { method: 'GET', url: `/api/v1/jobs/${id}` });
    expect(res.statusCode).toBe(200);
    return res.json<Job>();
  }

  async function finished(id: string): Promise<Job> {
    return waitFor(`job ${id} to finish`, async () => {
      const job = await getJob(id);
      return job.state === 'queued' || job.state === 'running' ? undefined : job;
    }, 60_000);
  }

  it('runs a fetch job and reports its result through GET /api/v1/jobs/{id}', async () => {
    const job = await world.ctx.jobs.enqueue({
      workspaceId: 'default',
      kind: 'fetch',
      input: { connectionId, repository: { project: 'Platform', name: 'shared-lib' } },
      createdBy: 'user:test',
    });
    const done = await finished(job.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      kind: 'fetch',
      attempts: 1,
      error: null,
      progress: { percent: 100, phase: 'done' },
      result: { connection: 'fabrikam', project: 'Platform', name: 'shared-lib', status: 'ready', created: true, empty: false },
    });

    const list = await world.request(world.admin, { method: 'GET', url: '/api/v1/jobs?kind=fetch&state=succeeded' });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: Job[] }>().items.map((j) => j.id)).toContain(job.id);
    // A fetch makes no file.
    const download = await world.request(world.admin, { method: 'GET', url: `/api/v1/jobs/${job.id}/download` });
    expect(download.statusCode).toBe(409);
    expect(download.json()).toMatchObject({ code: 'AZDO_JOB_NO_DOWNLOAD' });
  });

  it('records a failed fetch with the library\'s code and hint', async () => {
    const job = await world.ctx.jobs.enqueue({ workspaceId: 'default', kind: 'fetch', input: { connectionId, repository: { project: 'Platform', name: 'no-such-repo' } } });
    const done = await finished(job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'AZDO_REPOSITORY_NOT_FOUND' });
    expect(done.error?.hint.length).toBeGreaterThan(10);
  });

  it('runs a snapshot job whose archive downloads with the repository and ref in its name', async () => {
    const job = await world.ctx.jobs.enqueue({
      workspaceId: 'default',
      kind: 'snapshot',
      input: { connectionId, repository: { project: 'Platform', name: 'app-with-submodule' }, ref: 'main' },
    });
    const done = await finished(job.id);
    expect(done).toMatchObject({
      state: 'succeeded',
      result: { repository: 'app-with-submodule', ref: 'main', fileName: 'app-with-submodule-main.tar.gz', files: 6 },
    });
    const result = done.result as { bytes: number; commitId: string; submodules: Array<{ path: string; status: string }> };
    expect(result.commitId).toMatch(/^[0-9a-f]{40}$/);
    expect(result.submodules).toEqual([expect.objectContaining({ path: 'lib/shared', status: 'included' })]);

    const res = await world.request(world.admin, { method: 'GET', url: `/api/v1/jobs/${job.id}/download` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/gzip');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="app-with-submodule-main.tar.gz"; filename*=UTF-8\'\'app-with-submodule-main.tar.gz',
    );
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.rawPayload.length).toBe(result.bytes);
    const file = path.join(dir, 'download.tar.gz');
    await writeFile(file, res.rawPayload);
    expect(await tarFiles(file)).toEqual(['.gitmodules', 'README.md', 'lib/shared/README.md', 'lib/shared/src/dates.ts', 'lib/shared/src/strings.ts', 'src/main.ts']);
  });

  it('keeps another workspace\'s jobs out of sight', async () => {
    const job = await world.ctx.jobs.enqueue({ workspaceId: 'default', kind: 'fetch', input: { connectionId, repository: { project: 'Platform', name: 'shared-lib' } } });
    await finished(job.id);
    const created = await world.request(world.admin, { method: 'POST', url: '/api/v1/workspaces', payload: { name: 'Other team' } });
    expect(created.statusCode).toBe(201);
    const other: Caller = { ...world.admin, workspaceId: created.json<{ id: string }>().id };

    for (const [method, url] of [
      ['GET', `/api/v1/jobs/${job.id}`],
      ['GET', `/api/v1/jobs/${job.id}/download`],
      ['POST', `/api/v1/jobs/${job.id}/cancel`],
    ] as const) {
      const res = await world.request(other, { method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toMatchObject({ code: 'AZDO_JOB_NOT_FOUND' });
    }
    const list = await world.request(other, { method: 'GET', url: '/api/v1/jobs' });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
  });

  it('pages the list and refuses bad filters and cursors', async () => {
    const first = await world.request(world.admin, { method: 'GET', url: '/api/v1/jobs?limit=1' });
    const page = first.json<{ items: Job[]; nextCursor: string | null }>();
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const second = await world.request(world.admin, { method: 'GET', url: `/api/v1/jobs?limit=1&cursor=${page.nextCursor}` });
    expect(second.json<{ items: Job[] }>().items[0]!.id).not.toBe(page.items[0]!.id);

    const badState = await world.request(world.admin, { method: 'GET', url: '/api/v1/jobs?state=sleeping' });
    expect(badState.statusCode).toBe(400);
    expect(badState.json()).toMatchObject({ code: 'AZDO_REQUEST_INVALID', field: 'state' });
    const badCursor = await world.request(world.admin, { method: 'GET', url: '/api/v1/jobs?cursor=bogus' });
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json()).toMatchObject({ code: 'AZDO_STORE_CURSOR_INVALID' });
  });

  it('needs a signed-in caller, and write access to cancel', async () => {
    const anonymous = await world.request({ kind: 'anonymous' }, { method: 'GET', url: '/api/v1/jobs' });
    expect(anonymous.statusCode).toBe(401);
    const reader = await world.token('read');
    const { items } = (await world.request(reader, { method: 'GET', url: '/api/v1/jobs?limit=1' })).json<{ items: Job[] }>();
    const cancel = await world.request(reader, { method: 'POST', url: `/api/v1/jobs/${items[0]!.id}/cancel` });
    expect(cancel.statusCode).toBe(403);
  });

  it('answers 409 for the download of a snapshot not finished, and cancels it through the API', async () => {
    // Stopped, the queue leaves the job queued for as long as the test needs.
    await world.ctx.jobs.stop({ graceMs: 0 });
    try {
      const job = await world.ctx.jobs.enqueue({ workspaceId: 'default', kind: 'snapshot', input: { connectionId, repository: { project: 'Platform', name: 'shared-lib' } } });
      const early = await world.request(world.admin, { method: 'GET', url: `/api/v1/jobs/${job.id}/download` });
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({ code: 'AZDO_JOB_NOT_FINISHED', hint: expect.stringContaining('succeeded') });

      const cancelled = await world.request(world.admin, { method: 'POST', url: `/api/v1/jobs/${job.id}/cancel` });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json()).toMatchObject({ id: job.id, state: 'cancelled' });
      const late = await world.request(world.admin, { method: 'GET', url: `/api/v1/jobs/${job.id}/download` });
      expect(late.json()).toMatchObject({ status: 409, code: 'AZDO_JOB_NO_DOWNLOAD' });
    } finally {
      await world.ctx.jobs.start();
    }
  });
});
