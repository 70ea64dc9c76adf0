// URLs a Services stand-in (the simulator) hands out map back to the public dev.azure.com forms; real URLs never change.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINTS, servicesEquivalentUrl, type ServiceEndpoints } from '../../src/azure/endpoints.js';
import { parseAzureUrl } from '../../src/azure/urls.js';

const SIM: ServiceEndpoints = { ...DEFAULT_ENDPOINTS, servicesUrl: 'http://127.0.0.1:8081', sshHost: '127.0.0.1', sshPort: 2222 };
const SERVER = parseAzureUrl('http://127.0.0.1:8081/DefaultCollection').deployment;

describe('servicesEquivalentUrl', () => {
  it('leaves every URL alone with Microsoft\'s own endpoints', () => {
    for (const url of ['http://127.0.0.1:8081/fabrikam/p/_git/r', 'https://dev.azure.com/fabrikam/p/_git/r', 'git@ssh.dev.azure.com:v3/fabrikam/p/r']) {
      expect(servicesEquivalentUrl(url, DEFAULT_ENDPOINTS)).toBe(url);
    }
  });

  it('maps the stand-in\'s REST, clone and web URLs to dev.azure.com, dropping the user name', () => {
    expect(servicesEquivalentUrl('http://fabrikam@127.0.0.1:8081/fabrikam/Fabrikam%20Fiber/_git/web', SIM)).toBe('https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/web');
    expect(servicesEquivalentUrl('http://127.0.0.1:8081/fabrikam/p/_git/r?path=/a.txt&version=GBmain', SIM)).toBe('https://dev.azure.com/fabrikam/p/_git/r?path=/a.txt&version=GBmain');
    expect(servicesEquivalentUrl('http://127.0.0.1:8081/fabrikam/p/_git/r/pullrequest/3#view=discussion', SIM)).toBe('https://dev.azure.com/fabrikam/p/_git/r/pullrequest/3?view=discussion');
  });

  it('maps the stand-in\'s SSH v3 URLs to ssh.dev.azure.com', () => {
    expect(servicesEquivalentUrl('ssh://git@127.0.0.1:2222/v3/fabrikam/p/r', SIM)).toBe('git@ssh.dev.azure.com:v3/fabrikam/p/r');
    expect(parseAzureUrl(servicesEquivalentUrl('ssh://git@127.0.0.1:2222/v3/fabrikam/My%20Project/r', SIM))).toMatchObject({
      type: 'repository',
      deployment: { kind: 'services', organization: 'fabrikam' },
      project: 'My Project',
      repository: 'r',
    });
  });

  it('keeps URLs of a known Server collection on the same origin as Server URLs', () => {
    const url = 'http://127.0.0.1:8081/DefaultCollection/Intranet/_git/portal';
    expect(servicesEquivalentUrl(url, SIM, { knownServers: [SERVER] })).toBe(url);
    expect(servicesEquivalentUrl('ssh://127.0.0.1:2222/DefaultCollection/Intranet/_git/portal', SIM)).toBe('ssh://127.0.0.1:2222/DefaultCollection/Intranet/_git/portal');
  });

  it('leaves URLs of other hosts, ports and schemes alone', () => {
    for (const url of ['http://127.0.0.1:9999/fabrikam/p/_git/r', 'https://127.0.0.1:8081/fabrikam/p/_git/r', 'https://tfs.example.com/DefaultCollection/p/_git/r', 'ssh://git@127.0.0.1:22/v3/a/b/c', 'not a url']) {
      expect(servicesEquivalentUrl(url, SIM)).toBe(url);
    }
  });
});
