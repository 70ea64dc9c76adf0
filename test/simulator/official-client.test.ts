import * as azdev from 'azure-devops-node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/index.js';

// Microsoft's own client finds every route through the location service (FACTS §10): if it works against the
// simulator, the locations, route templates and api-version negotiation are right.
describe('the official azure-devops-node-api client against the simulator', () => {
  let sim: RunningSimulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'empty', pageSize: 2 });
    const c = sim.control;
    await c.createHost({ name: 'fabrikam' });
    await c.createHost({ name: 'DefaultCollection', kind: 'server', serverVersion: '2022.1' });
    const alice = await c.createUser({ uniqueName: 'alice@example.com', displayName: 'Alice', hosts: ['fabrikam', 'DefaultCollection'] });
    token = (await c.createPat({ user: alice.id })).token;
    for (const name of ['Alpha', 'Beta Project', 'Gamma']) await c.createProject('fabrikam', { name });
    await c.createProject('DefaultCollection', { name: 'Tools' });
  });
  afterAll(async () => sim?.stop());

  const connect = (base: string) => new azdev.WebApi(`${sim.url}${base}`, azdev.getPersonalAccessTokenHandler(token));

  it('connects (connectionData) and names the authenticated user', async () => {
    const data = await connect('/fabrikam').connect();
    expect(data.authenticatedUser?.providerDisplayName).toBe('Alice');
  });

  it('lists projects through the location service, one page of the default size at a time', async () => {
    const core = await connect('/fabrikam').getCoreApi();
    const first = await core.getProjects();
    expect(first.map((p) => p.name)).toEqual(['Alpha', 'Beta Project']);
    // The client does not surface the x-ms-continuationtoken header; for projects it is the count already fetched.
    const raw = await fetch(`${sim.url}/fabrikam/_apis/projects`, { headers: { authorization: `Basic ${Buffer.from(`:${token}`).toString('base64')}` } });
    expect(raw.headers.get('x-ms-continuationtoken')).toBe('2');
    const rest = await core.getProjects(undefined, undefined, undefined, 2);
    expect(rest.map((p) => p.name)).toEqual(['Gamma']);
    expect((await core.getProjects(undefined, 1, 1)).map((p) => p.name)).toEqual(['Beta Project']);
    const project = await core.getProject('beta project');
    expect(project.name).toBe('Beta Project');
  });

  it('works against a Server collection under the /tfs virtual directory', async () => {
    const core = await connect('/tfs/DefaultCollection').getCoreApi();
    expect((await core.getProjects()).map((p) => p.name)).toEqual(['Tools']);
  });

  it('reads the profile of the token owner', async () => {
    const profile = await (await connect('/fabrikam').getProfileApi(sim.url)).getProfile('me');
    expect((profile as unknown as { displayName: string }).displayName).toBe('Alice');
  });
});
