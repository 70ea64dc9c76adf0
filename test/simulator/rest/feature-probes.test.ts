import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/index.js';
import { validateResponse } from '../spec/spec-validator.js';
import { basic } from '../helpers.js';

// The areas a client probes to tell which features a credential allows: each answers 200 with the right scope and
// 401 TF400813 without it.
describe('feature probes: builds, work items, service hooks, audit', () => {
  let sim: RunningSimulator;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty' });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createProject('fabrikam', { name: 'Web' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', hosts: ['fabrikam'] });
    for (const scope of ['app_token', 'vso.code', 'vso.build', 'vso.work_write', 'vso.hooks_write', 'vso.auditlog']) {
      tokens[scope] = (await c.createPat({ user: alice.id, scope })).token;
    }
  });
  afterAll(async () => sim?.stop());

  const cases = [
    { url: '/fabrikam/Web/_apis/build/definitions', scope: 'vso.build', area: 'build' },
    { url: '/fabrikam/Web/_apis/build/builds', scope: 'vso.build', area: 'build' },
    { url: '/fabrikam/_apis/wit/fields', scope: 'vso.work_write', area: 'wit' },
    { url: '/fabrikam/Web/_apis/wit/workitemtypes', scope: 'vso.work_write', area: 'wit' },
    { url: '/fabrikam/_apis/hooks/subscriptions', scope: 'vso.hooks_write', area: 'hooks' },
    { url: '/fabrikam/_apis/audit/auditlog', scope: 'vso.auditlog', area: 'audit' },
  ];

  for (const c of cases) {
    it(`answers ${c.url} with ${c.scope} or full access, and 401 with only vso.code`, async () => {
      for (const scope of [c.scope, 'app_token']) {
        const r = await fetch(`${sim.url}${c.url}`, { headers: { authorization: basic(tokens[scope]!) } });
        expect(r.status).toBe(200);
        const body = (await r.json()) as unknown;
        if (c.area !== 'audit') {
          const { errors } = validateResponse({ area: c.area as 'build' | 'wit' | 'hooks', method: 'get', path: c.url, status: 200, body });
          expect(errors).toEqual([]);
        }
      }
      const denied = await fetch(`${sim.url}${c.url}`, { headers: { authorization: basic(tokens['vso.code']!), 'x-tfs-fedauthredirect': 'Suppress' } });
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { message: string }).message).toContain('TF400813');
    });
  }
});
