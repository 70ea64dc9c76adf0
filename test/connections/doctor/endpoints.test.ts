import { describe, expect, it } from 'vitest';
import { apiBaseUrl, AZURE_DEVOPS_SSH_HOST_KEY, DEFAULT_ENDPOINTS, endpointsFromEnv } from '../../../src/azure/endpoints.js';
import { parseAzureUrl } from '../../../src/azure/urls.js';

describe('Azure DevOps Services endpoints', () => {
  it('are Microsoft\'s by default, with Azure DevOps\' published SSH host key pinned', () => {
    expect(endpointsFromEnv({})).toEqual({
      servicesUrl: 'https://dev.azure.com',
      sshHost: 'ssh.dev.azure.com',
      sshPort: 22,
      pinnedHostKeys: ['SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og'],
      entraAuthority: 'https://login.microsoftonline.com',
    });
    expect(DEFAULT_ENDPOINTS.pinnedHostKeys).toEqual([AZURE_DEVOPS_SSH_HOST_KEY]);
  });

  it('can all be pointed elsewhere by the environment the simulator prints', () => {
    const e = endpointsFromEnv({
      AZDO_CONNECT_SERVICES_URL: 'http://127.0.0.1:4000/',
      AZDO_CONNECT_SERVICES_SSH: '127.0.0.1:2222',
      AZDO_CONNECT_SERVICES_SSH_FINGERPRINT: 'SHA256:aaa, SHA256:bbb',
      AZDO_CONNECT_ENTRA_AUTHORITY: 'http://127.0.0.1:4000',
    });
    expect(e).toEqual({ servicesUrl: 'http://127.0.0.1:4000', sshHost: '127.0.0.1', sshPort: 2222, pinnedHostKeys: ['SHA256:aaa', 'SHA256:bbb'], entraAuthority: 'http://127.0.0.1:4000' });
    expect(endpointsFromEnv({ AZDO_CONNECT_SERVICES_SSH: '[::1]:2200' })).toMatchObject({ sshHost: '::1', sshPort: 2200 });
    expect(endpointsFromEnv({ AZDO_CONNECT_SERVICES_SSH: 'ssh.example' })).toMatchObject({ sshHost: 'ssh.example', sshPort: 22 });
    expect(endpointsFromEnv({ AZDO_CONNECT_SERVICES_URL: '  ' }).servicesUrl).toBe('https://dev.azure.com');
  });

  it('refuses an SSH endpoint with a bad port', () => {
    expect(() => endpointsFromEnv({ AZDO_CONNECT_SERVICES_SSH: 'host:99999' })).toThrow(expect.objectContaining({ code: 'AZDO_ENDPOINT_INVALID', message: expect.stringMatching(/invalid port/) }));
    expect(() => endpointsFromEnv({ AZDO_CONNECT_SERVICES_SSH: 'host:port' })).toThrow(expect.objectContaining({ code: 'AZDO_ENDPOINT_INVALID', message: expect.stringMatching(/"host:port"/) }));
  });

  it('send Services REST calls to the services URL and Server calls to the collection', () => {
    const e = { ...DEFAULT_ENDPOINTS, servicesUrl: 'http://127.0.0.1:4000' };
    const services = parseAzureUrl('https://fabrikam.visualstudio.com').deployment;
    expect(apiBaseUrl({ kind: 'services', deployment: services, url: 'https://fabrikam.visualstudio.com' }, e)).toBe('http://127.0.0.1:4000/fabrikam');
    const server = parseAzureUrl('https://tfs.contoso.example/tfs/DefaultCollection').deployment;
    expect(apiBaseUrl({ kind: 'server', deployment: server, url: 'https://tfs.contoso.example/tfs/DefaultCollection/' }, e)).toBe('https://tfs.contoso.example/tfs/DefaultCollection');
  });
});
