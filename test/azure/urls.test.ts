import { describe, expect, it } from 'vitest';
import {
  formatAzureUrl,
  httpsCloneUrl,
  organizationUrl,
  parseAzureUrl,
  projectUrl,
  sameDeployment,
  sshCloneUrl,
  tryParseAzureUrl,
  webUrl,
  type AzureLocation,
  type Deployment,
} from '../../src/azure/urls.js';
import { AzdoError } from '../../src/errors/azdo-error.js';

const dev = (organization: string): Deployment => ({ kind: 'services', organization, host: 'dev.azure.com' });
const legacy = (organization: string): Deployment => ({ kind: 'services', organization, host: 'visualstudio.com' });
const server = (origin: string, virtualDirectory: string, collection: string): Deployment => ({
  kind: 'server',
  origin,
  virtualDirectory,
  collection,
});
const repo = (deployment: Deployment, project: string | undefined, repository: string, transport: 'https' | 'ssh' = 'https'): AzureLocation =>
  project === undefined
    ? { type: 'repository', deployment, repository, transport }
    : { type: 'repository', deployment, project, repository, transport };

function parseError(input: string): AzdoError {
  try {
    parseAzureUrl(input);
  } catch (error) {
    if (error instanceof AzdoError) return error;
    throw error;
  }
  throw new Error(`expected ${input} to be rejected`);
}

type Case = readonly [string, AzureLocation];

describe('parseAzureUrl', () => {
  // Every example URL quoted in FACTS §1.1, templated ones filled in with fabrikam names.
  const organizations: Case[] = [
    ['https://dev.azure.com/fabrikam', { type: 'organization', deployment: dev('fabrikam') }],
    ['https://fabrikam.visualstudio.com', { type: 'organization', deployment: legacy('fabrikam') }],
    ['https://Fabrikam.visualstudio.com/_apis/projects/MyProject', { type: 'organization', deployment: legacy('Fabrikam') }],
    ['https://dev.azure.com/Fabrikam', { type: 'organization', deployment: dev('Fabrikam') }],
    [
      'https://dev.azure.com/_apis/resourceAreas/79134C72-4A58-4B42-976C-04E7115F32BF?accountName=fabrikam&api-version=5.0-preview.1',
      { type: 'organization', deployment: dev('fabrikam') },
    ],
    ['https://vsrm.dev.azure.com/fabrikam', { type: 'organization', deployment: dev('fabrikam') }],
    ['https://vssps.dev.azure.com/fabrikam', { type: 'organization', deployment: dev('fabrikam') }],
    ['https://vssps.dev.azure.com/fabrikam/_apis/tokens/pats?api-version=7.1-preview.1', { type: 'organization', deployment: dev('fabrikam') }],
    ['https://fabrikam.vsrm.visualstudio.com/', { type: 'organization', deployment: legacy('fabrikam') }],
    ['https://dev.azure.com/fabrikam/DefaultCollection/_apis/projects', { type: 'organization', deployment: dev('fabrikam') }],
    ['https://dev.azure.com/fabrikam/_settings/organizationPolicy', { type: 'organization', deployment: dev('fabrikam') }],
    [
      'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_settings/serviceHooks',
      { type: 'project', deployment: dev('fabrikam'), project: 'Fabrikam-Fiber' },
    ],
    ['https://fabrikam-fiber-inc:8080/DefaultCollection', { type: 'organization', deployment: server('https://fabrikam-fiber-inc:8080', '', 'DefaultCollection') }],
    ['https://fabrikam-fiber-inc:8080/DefaultCollection/_apis/projects', { type: 'organization', deployment: server('https://fabrikam-fiber-inc:8080', '', 'DefaultCollection') }],
    ['http://tfs.contoso.com:8080/tfs/DefaultCollection/', { type: 'organization', deployment: server('http://tfs.contoso.com:8080', '/tfs', 'DefaultCollection') }],
    ['https://TFS.Contoso.com:443/tfs/Fabrikam', { type: 'organization', deployment: server('https://tfs.contoso.com', '/tfs', 'Fabrikam') }],
    ['https://ados.contoso.com/Fabrikam', { type: 'organization', deployment: server('https://ados.contoso.com', '', 'Fabrikam') }],
    ['https://ados.contoso.com/devops/Fabrikam', { type: 'organization', deployment: server('https://ados.contoso.com', '/devops', 'Fabrikam') }],
    [
      'https://ados.contoso.com/tfs/DefaultCollection/MyProject',
      { type: 'project', deployment: server('https://ados.contoso.com', '/tfs', 'DefaultCollection'), project: 'MyProject' },
    ],
  ];
  it.each(organizations)('reads the organization or collection URL %s', (url, expected) => {
    expect(parseAzureUrl(url)).toStrictEqual(expected);
  });

  const medpace = server('https://devops.medpace.com', '/devops', 'DefaultCollection');
  // FACTS §1.1 (Server) and §1.2.
  const httpsClones: Case[] = [
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Fabrikam-Fiber', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Fabrikam-Fiber')],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/_optimized/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/_full/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web.git', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://fabrikam.visualstudio.com/Fabrikam-Fiber/_git/Web', repo(legacy('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://fabrikam.visualstudio.com/DefaultCollection/Fabrikam-Fiber/_git/_optimized/Web.git/', repo(legacy('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://devlake@dev.azure.com/devlake/project-1/_git/first-repo', repo(dev('devlake'), 'project-1', 'first-repo')],
    [
      'https://fabrikamfiber@dev.azure.com/fabrikamfiber/fabrikamfiber-viva/_git/fabrikamfiber',
      repo(dev('fabrikamfiber'), 'fabrikamfiber-viva', 'fabrikamfiber'),
    ],
    ['https://dev.azure.com/fabrikam/_git/Fabrikam-Fiber-Git', repo(dev('fabrikam'), undefined, 'Fabrikam-Fiber-Git')],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber-Git/_git/AnotherRepository', repo(dev('fabrikam'), 'Fabrikam-Fiber-Git', 'AnotherRepository')],
    ['https://dev.azure.com/fabrikam/_git/TestGit', repo(dev('fabrikam'), undefined, 'TestGit')],
    ['https://fabrikam.visualstudio.com/DefaultCollection/_git/Fabrikam', repo(legacy('fabrikam'), undefined, 'Fabrikam')],
    ['https://eateam.visualstudio.com/Emailage%20Code/_git/piotr-helloworldconsole', repo(legacy('eateam'), 'Emailage Code', 'piotr-helloworldconsole')],
    ['https://ado.contoso.com/DefaultCollection/My%20Project/_git/MyRepo', repo(server('https://ado.contoso.com', '', 'DefaultCollection'), 'My Project', 'MyRepo')],
    [
      'https://devops.entreprise.local:8080/tfs/DefaultCollection/MyProject/_git/MyRepo',
      repo(server('https://devops.entreprise.local:8080', '/tfs', 'DefaultCollection'), 'MyProject', 'MyRepo'),
    ],
    ['https://devops.medpace.com/devops/DefaultCollection/_git/Design%20System', repo(medpace, undefined, 'Design System')],
    [
      'https://contoso.com:8080/tfs/collection/project/team/_git/_optimized/repo',
      repo(server('https://contoso.com:8080', '/tfs', 'collection'), 'project', 'repo'),
    ],
    ['  https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web \n', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['HTTP://DEV.AZURE.COM/fabrikam/Fabrikam-Fiber/_GIT/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['<https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web>', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    [' "https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web" ', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://user:s3cret@dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/info/refs?service=git-upload-pack', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web')],
    ['https://dev.azure.com/fabrikam/Caf%C3%A9%20%231/_git/r%25%3Fx', repo(dev('fabrikam'), 'Café #1', 'r%?x')],
  ];
  it.each(httpsClones)('reads the HTTPS clone URL %s', (url, expected) => {
    expect(parseAzureUrl(url)).toStrictEqual(expected);
  });

  // FACTS §1.3.
  const sshClones: Case[] = [
    ['git@ssh.dev.azure.com:v3/fabrikam-fiber/FabrikamFiber/FabrikamFiber', repo(dev('fabrikam-fiber'), 'FabrikamFiber', 'FabrikamFiber', 'ssh')],
    ['git@ssh.dev.azure.com:v3/fabrikam/MyFirstProject/forkRepository', repo(dev('fabrikam'), 'MyFirstProject', 'forkRepository', 'ssh')],
    ['git@ssh.dev.azure.com:v3/fabrikam/Fabrikam%20Fiber/_optimized/Web.git', repo(dev('fabrikam'), 'Fabrikam Fiber', 'Web', 'ssh')],
    ['ssh://git@ssh.dev.azure.com/v3/fabrikam/Fabrikam-Fiber/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web', 'ssh')],
    ['ssh://git@ssh.dev.azure.com:22/v3/fabrikam/Fabrikam-Fiber/Web', repo(dev('fabrikam'), 'Fabrikam-Fiber', 'Web', 'ssh')],
    ['fabrikam@vs-ssh.visualstudio.com:v3/fabrikam/Fabrikam-Fiber/Web', repo(legacy('fabrikam'), 'Fabrikam-Fiber', 'Web', 'ssh')],
    ['ssh://fabrikam@vs-ssh.visualstudio.com:22/Test1/_ssh/FabrikamOps', repo(legacy('fabrikam'), 'Test1', 'FabrikamOps', 'ssh')],
    ['ssh://fabrikam@vs-ssh.visualstudio.com:22/DefaultCollection/_ssh/Fabrikam', repo(legacy('fabrikam'), undefined, 'Fabrikam', 'ssh')],
    ['ssh://fabrikam@fabrikam.visualstudio.com:22/DefaultCollection/Fabrikam-Fiber/_git/Web', repo(legacy('fabrikam'), 'Fabrikam-Fiber', 'Web', 'ssh')],
    ['ssh://tfs.contoso.com:22/DefaultCollection/MyProject/_git/MyRepo', repo(server('https://tfs.contoso.com', '', 'DefaultCollection'), 'MyProject', 'MyRepo', 'ssh')],
    [
      'ssh://devops.entreprise.local:22/DefaultCollection/MyProject/_git/MyRepo',
      repo(server('https://devops.entreprise.local', '', 'DefaultCollection'), 'MyProject', 'MyRepo', 'ssh'),
    ],
    ['ssh://tfs.contoso.com:22/tfs/DefaultCollection/My%20Project/_ssh/MyRepo', repo(server('https://tfs.contoso.com', '/tfs', 'DefaultCollection'), 'My Project', 'MyRepo', 'ssh')],
    ['git@tfs.contoso.com:tfs/DefaultCollection/MyProject/_git/MyRepo', repo(server('https://tfs.contoso.com', '/tfs', 'DefaultCollection'), 'MyProject', 'MyRepo', 'ssh')],
    [
      'ssh://tfs.contoso.com:2222/DefaultCollection/MyProject/_git/MyRepo',
      { ...repo(server('https://tfs.contoso.com', '', 'DefaultCollection'), 'MyProject', 'MyRepo', 'ssh'), sshPort: 2222 } as AzureLocation,
    ],
  ];
  it.each(sshClones)('reads the SSH URL %s', (url, expected) => {
    expect(parseAzureUrl(url)).toStrictEqual(expected);
  });

  const d = dev('fabrikam');
  const base = { deployment: d, project: 'Fabrikam-Fiber', repository: 'Web' };
  const sha = '0123456789abcdef0123456789abcdef01234567';
  // FACTS §1.4.
  const webPages: Case[] = [
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullrequest/12', { type: 'pullRequest', ...base, pullRequestId: 12 }],
    [
      'https://fabrikam.visualstudio.com/DefaultCollection/_git/Fabrikam/pullrequest/1#view=discussion',
      { type: 'pullRequest', deployment: legacy('fabrikam'), repository: 'Fabrikam', pullRequestId: 1 },
    ],
    [
      'https://fabrikam.visualstudio.com/DefaultCollection/_git/Fabrikam/pullrequest/1?discussionId=5',
      { type: 'pullRequest', deployment: legacy('fabrikam'), repository: 'Fabrikam', pullRequestId: 1 },
    ],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullRequest/7?_a=files', { type: 'pullRequest', ...base, pullRequestId: 7 }],
    [`https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/commit/${sha.toUpperCase()}`, { type: 'commit', ...base, commitId: sha }],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GBmain', { type: 'branch', ...base, branch: 'main' }],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GBusers%2Fana%2Ffix', { type: 'branch', ...base, branch: 'users/ana/fix' }],
    [
      'https://fabrikam.visualstudio.com/DefaultCollection/_git/Fabrikam-Fiber-Git/#version=GBmain',
      { type: 'branch', deployment: legacy('fabrikam'), repository: 'Fabrikam-Fiber-Git', branch: 'main' },
    ],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GTv1.0', { type: 'tag', ...base, tag: 'v1.0' }],
    [`https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GC${sha}`, { type: 'commit', ...base, commitId: sha }],
    [
      'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?path=/dir/file&version=GBmain&_a=contents',
      { type: 'file', ...base, path: '/dir/file', version: { type: 'branch', value: 'main' } },
    ],
    [
      'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?path=/dir/file&version=GBmain&_a=contents&line=154&lineEnd=154&lineStartColumn=6&lineEndColumn=33&lineStyle=plain',
      { type: 'file', ...base, path: '/dir/file', version: { type: 'branch', value: 'main' }, line: 154 },
    ],
    [
      'https://dev.azure.com/justcloudpublic/_git/How%20to%20deploy%20ADO%20agent?path=%2FREADME.md',
      { type: 'file', deployment: dev('justcloudpublic'), repository: 'How to deploy ADO agent', path: '/README.md' },
    ],
    [
      'https://devops.medpace.com/devops/DefaultCollection/_git/Design%20System?path=/src/My%20File.ts&version=GTv2',
      { type: 'file', deployment: medpace, repository: 'Design System', path: '/src/My File.ts', version: { type: 'tag', value: 'v2' } },
    ],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build/results?buildId=1234&view=logs', { type: 'build', deployment: d, project: 'Fabrikam-Fiber', buildId: 1234 }],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build/index?buildId=9', { type: 'build', deployment: d, project: 'Fabrikam-Fiber', buildId: 9 }],
    [
      'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build/definition?definitionId=42',
      { type: 'buildDefinition', deployment: d, project: 'Fabrikam-Fiber', definitionId: 42 },
    ],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build?definitionId=42', { type: 'buildDefinition', deployment: d, project: 'Fabrikam-Fiber', definitionId: 42 }],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build', { type: 'project', deployment: d, project: 'Fabrikam-Fiber' }],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_workitems/edit/5', { type: 'workItem', deployment: d, project: 'Fabrikam-Fiber', workItemId: 5 }],
    ['https://dev.azure.com/fabrikam/_workitems/edit/5/', { type: 'workItem', deployment: d, workItemId: 5 }],
    [
      'https://fabrikam.visualstudio.com/DefaultCollection/Fabrikam-Fiber/web/wi.aspx?pcguid=d81542e4-cdfa-4333-b082-1ae2d6c3ad16&id=5',
      { type: 'workItem', deployment: legacy('fabrikam'), project: 'Fabrikam-Fiber', workItemId: 5 },
    ],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/Fabrikam%20Team/_backlogs/backlog', { type: 'project', deployment: d, project: 'Fabrikam-Fiber' }],
  ];
  it.each(webPages)('reads the web URL %s', (url, expected) => {
    expect(parseAzureUrl(url)).toStrictEqual(expected);
  });

  const rejected: ReadonlyArray<readonly [string, string, RegExp]> = [
    ['', 'AZDO_URL_INVALID', /empty/],
    ['   \n', 'AZDO_URL_INVALID', /empty/],
    ['hello world', 'AZDO_URL_INVALID', /not a URL/],
    ['fabrikam', 'AZDO_URL_INVALID', /not a URL/],
    ['%E0%A4%A', 'AZDO_URL_INVALID', /not a URL/],
    ['https://dev.azure.com/fabrikam/%E0%A4%A', 'AZDO_URL_INVALID', /malformed %-escape/],
    ['https://github.com/microsoft/vscode', 'AZDO_URL_UNSUPPORTED', /GitHub URL, not an Azure DevOps URL/],
    ['git@github.com:microsoft/vscode.git', 'AZDO_URL_UNSUPPORTED', /GitHub URL/],
    ['https://gitlab.com/group/project.git', 'AZDO_URL_UNSUPPORTED', /GitLab URL/],
    ['https://portal.azure.com/#home', 'AZDO_URL_UNSUPPORTED', /not an Azure DevOps one/],
    ['https://app.vssps.visualstudio.com/_apis/profile/profiles/me', 'AZDO_URL_UNSUPPORTED', /does not name an Azure DevOps organization/],
    ['ftp://dev.azure.com/fabrikam', 'AZDO_URL_INVALID', /cannot be reached/],
    ['https://dev.azure.com/', 'AZDO_URL_INVALID', /does not name an organization/],
    ['https://dev.azure.com/_apis/projects', 'AZDO_URL_INVALID', /does not name an organization/],
    ['https://ssh.dev.azure.com/v3/fabrikam/p/r', 'AZDO_URL_INVALID', /only serves SSH/],
    ['ssh://git@ssh.dev.azure.com:443/v3/fabrikam/Fabrikam-Fiber/Web', 'AZDO_URL_INVALID', /port 22 only/],
    ['git@ssh.dev.azure.com:fabrikam/Fabrikam-Fiber/Web', 'AZDO_URL_INVALID', /missing "v3\/"/],
    ['git@ssh.dev.azure.com:v3/fabrikam/Web', 'AZDO_URL_INVALID', /organization, project and repository/],
    ['git@ssh.dev.azure.com:v3/fabrikam/p/r/extra', 'AZDO_URL_INVALID', /organization, project and repository/],
    ['ssh://git@vs-ssh.visualstudio.com:22/Test1/_ssh/FabrikamOps', 'AZDO_URL_INVALID', /does not say which organization/],
    ['ssh://git@dev.azure.com/fabrikam/p/_git/r', 'AZDO_URL_INVALID', /ssh\.dev\.azure\.com/],
    ['ssh://tfs.contoso.com:22/DefaultCollection/MyProject', 'AZDO_URL_INVALID', /does not name a repository/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/', 'AZDO_URL_INVALID', /does not name a repository/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/_optimized', 'AZDO_URL_INVALID', /does not name a repository/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/.git', 'AZDO_URL_INVALID', /does not name a repository/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullrequest/abc', 'AZDO_URL_INVALID', /pull request id "abc" is not a positive/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullrequest/0', 'AZDO_URL_INVALID', /pull request id "0"/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullrequest/-3', 'AZDO_URL_INVALID', /pull request id "-3"/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullrequest/99999999999', 'AZDO_URL_INVALID', /pull request id/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/pullrequest', 'AZDO_URL_INVALID', /missing the pull request id/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web/commit/xyz', 'AZDO_URL_INVALID', /not a hexadecimal commit SHA/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GXmain', 'AZDO_URL_INVALID', /not a branch, tag or commit/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GB', 'AZDO_URL_INVALID', /not a branch, tag or commit/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build/results', 'AZDO_URL_INVALID', /missing the build id/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build/results?buildId=x', 'AZDO_URL_INVALID', /build id is not a positive/],
    ['https://dev.azure.com/fabrikam/_build/results?buildId=3', 'AZDO_URL_INVALID', /does not name a project/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/_workitems/edit/', 'AZDO_URL_INVALID', /missing the work item id/],
    ['https://dev.azure.com/fabrikam/Fabrikam-Fiber/extra', 'AZDO_URL_INVALID', /unexpected segment "extra"/],
    ['https://tfs.contoso.com/', 'AZDO_URL_INVALID', /does not name a project collection/],
    ['https://tfs.contoso.com/tfs', 'AZDO_URL_INVALID', /does not name a project collection/],
    ['https://dev.azure.com:99999/fabrikam', 'AZDO_URL_INVALID', /port/],
    ['https://dev azure.com/fabrikam', 'AZDO_URL_INVALID', /host name/],
  ];
  it.each(rejected)('rejects %j with %s', (input, code, message) => {
    const error = parseError(input);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.hint.length).toBeGreaterThan(20);
  });

  it('never repeats a password or token from the URL in its errors', () => {
    const inputs = [
      'https://user:hunter2secret@dev.azure.com/',
      'https://user:hunter2secret@dev.azure.com/fabrikam/p/_git/r/pullrequest/x',
      'https://hunter2secret@github.com/a/b',
      'https://user:hunter2/secret@dev.azure.com/fabrikam/p/_git/',
      'https://user:hunter2secret?x@dev.azure.com/fabrikam',
      'hunter2secret',
      'git@ssh.dev.azure.com:v3/o/p?token=hunter2secret',
      'https://dev.azure.com/o/p/_git/r?version=GXhunter2secret',
      'https://dev.azure.com/o/p/_build/results?buildId=hunter2secret',
    ];
    for (const input of inputs) {
      const error = parseError(input);
      expect(JSON.stringify([error.message, error.hint, error.details])).not.toMatch(/hunter2|secret/);
    }
  });

  it('uses known Server deployments to read paths a host alone cannot split', () => {
    const known = server('http://ados.contoso.com:8080', '/devops', 'Fabrikam');
    const options = { knownServers: [known] };
    expect(parseAzureUrl('https://ados.contoso.com/devops/Fabrikam/Web')).toStrictEqual({
      type: 'organization',
      deployment: server('https://ados.contoso.com', '/devops/Fabrikam', 'Web'),
    });
    expect(parseAzureUrl('http://ados.contoso.com:8080/devops/fabrikam/Web', options)).toStrictEqual({ type: 'project', deployment: known, project: 'Web' });
    expect(parseAzureUrl('http://ados.contoso.com:8080/devops/Fabrikam/_git/Web', options)).toStrictEqual(repo(known, undefined, 'Web'));
    expect(parseAzureUrl('ssh://ados.contoso.com:22/devops/Fabrikam/Portal/_git/Web', options)).toStrictEqual(repo(known, 'Portal', 'Web', 'ssh'));
    // Another port is another server.
    expect(parseAzureUrl('http://ados.contoso.com:9090/devops/Fabrikam/Web', options)).toStrictEqual({
      type: 'organization',
      deployment: server('http://ados.contoso.com:9090', '/devops/Fabrikam', 'Web'),
    });
  });

  it('throws only AzdoError, even when called from JavaScript with something other than text', () => {
    expect(() => parseAzureUrl(undefined as unknown as string)).toThrow(AzdoError);
    expect(() => parseAzureUrl(42 as unknown as string)).toThrow(AzdoError);
  });
});

describe('tryParseAzureUrl', () => {
  it('returns undefined instead of throwing', () => {
    expect(tryParseAzureUrl('https://github.com/a/b')).toBeUndefined();
    expect(tryParseAzureUrl('https://dev.azure.com/fabrikam')).toStrictEqual({ type: 'organization', deployment: dev('fabrikam') });
  });
});

describe('formatting', () => {
  it('formats canonical organization and collection URLs', () => {
    expect(organizationUrl(dev('fabrikam'))).toBe('https://dev.azure.com/fabrikam');
    expect(organizationUrl(legacy('Fabrikam'))).toBe('https://Fabrikam.visualstudio.com');
    expect(organizationUrl(legacy('not a host label'))).toBe('https://dev.azure.com/not%20a%20host%20label');
    expect(organizationUrl(server('https://tfs.contoso.com:8443', '/tfs', 'Default Collection'))).toBe('https://tfs.contoso.com:8443/tfs/Default%20Collection');
    expect(organizationUrl(server('http://ados', '', 'Fabrikam'))).toBe('http://ados/Fabrikam');
    expect(projectUrl(dev('fabrikam'), 'DefaultCollection')).toBe('https://dev.azure.com/fabrikam/DefaultCollection/DefaultCollection');
  });

  it('formats HTTPS clone URLs with %-encoded names', () => {
    expect(httpsCloneUrl(dev('fabrikam'), 'Fabrikam Fiber', 'My Repo')).toBe('https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/My%20Repo');
    expect(httpsCloneUrl(dev('fabrikam'), undefined, 'TestGit')).toBe('https://dev.azure.com/fabrikam/_git/TestGit');
    expect(httpsCloneUrl(legacy('fabrikam'), 'P', 'R')).toBe('https://fabrikam.visualstudio.com/P/_git/R');
    expect(httpsCloneUrl(dev('fabrikam'), 'P', 'odd.git')).toBe('https://dev.azure.com/fabrikam/P/_git/odd%2Egit');
  });

  it('formats SSH clone URLs', () => {
    expect(sshCloneUrl(dev('fabrikam-fiber'), 'FabrikamFiber', 'FabrikamFiber')).toBe('git@ssh.dev.azure.com:v3/fabrikam-fiber/FabrikamFiber/FabrikamFiber');
    expect(sshCloneUrl(legacy('fabrikam'), 'My Project', 'Web')).toBe('git@ssh.dev.azure.com:v3/fabrikam/My%20Project/Web');
    expect(sshCloneUrl(dev('fabrikam'), undefined, 'TestGit')).toBe('git@ssh.dev.azure.com:v3/fabrikam/TestGit/TestGit');
    const tfs = server('https://tfs.contoso.com', '/tfs', 'DefaultCollection');
    expect(sshCloneUrl(tfs, 'MyProject', 'MyRepo')).toBe('ssh://tfs.contoso.com:22/tfs/DefaultCollection/MyProject/_git/MyRepo');
    expect(sshCloneUrl(tfs, 'MyProject', 'MyRepo', { sshPort: 2222, sshHost: 'git.contoso.com' })).toBe(
      'ssh://git.contoso.com:2222/tfs/DefaultCollection/MyProject/_git/MyRepo',
    );
  });

  const d = dev('fabrikam');
  const base = { deployment: d, project: 'Fabrikam Fiber', repository: 'Web' };
  const webCases: ReadonlyArray<readonly [AzureLocation, string]> = [
    [{ type: 'organization', deployment: d }, 'https://dev.azure.com/fabrikam'],
    [{ type: 'project', deployment: d, project: 'Fabrikam Fiber' }, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber'],
    [{ type: 'repository', ...base, transport: 'ssh' }, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/Web'],
    [{ type: 'pullRequest', ...base, pullRequestId: 12 }, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/Web/pullrequest/12'],
    [{ type: 'commit', ...base, commitId: 'abc1234' }, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/Web/commit/abc1234'],
    [{ type: 'branch', ...base, branch: 'users/ana/a&b' }, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/Web?version=GBusers/ana/a%26b'],
    [{ type: 'tag', ...base, tag: 'v1.0' }, 'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/Web?version=GTv1.0'],
    [
      { type: 'file', ...base, path: '/src/a b.ts', version: { type: 'commit', value: 'abc1234' }, line: 3 },
      'https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_git/Web?path=/src/a%20b.ts&version=GCabc1234&line=3',
    ],
    [{ type: 'build', deployment: d, project: 'P', buildId: 7 }, 'https://dev.azure.com/fabrikam/P/_build/results?buildId=7'],
    [{ type: 'buildDefinition', deployment: d, project: 'P', definitionId: 8 }, 'https://dev.azure.com/fabrikam/P/_build/definition?definitionId=8'],
    [{ type: 'workItem', deployment: d, project: 'P', workItemId: 9 }, 'https://dev.azure.com/fabrikam/P/_workitems/edit/9'],
    [{ type: 'workItem', deployment: d, workItemId: 9 }, 'https://dev.azure.com/fabrikam/_workitems/edit/9'],
  ];
  it.each(webCases)('formats the web URL of a %s location', (location, url) => {
    expect(webUrl(location)).toBe(url);
    expect(parseAzureUrl(url)).toStrictEqual(location.type === 'repository' ? { ...location, transport: 'https' } : location);
  });

  it('formats an SSH repository back as SSH and everything else as its web page', () => {
    const ssh = 'git@ssh.dev.azure.com:v3/fabrikam/Fabrikam-Fiber/Web';
    expect(formatAzureUrl(parseAzureUrl(ssh))).toBe(ssh);
    const serverSsh = 'ssh://tfs.contoso.com:2222/tfs/DefaultCollection/MyProject/_git/MyRepo';
    expect(formatAzureUrl(parseAzureUrl(serverSsh))).toBe(serverSsh);
    const clone = 'https://user@dev.azure.com/fabrikam/Fabrikam-Fiber/_git/_optimized/Web.git/';
    expect(formatAzureUrl(parseAzureUrl(clone))).toBe('https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web');
  });

  it.each([...[...httpsCloneExamples()], ...webPageExamples()])('round-trips %s through its canonical URL', (url) => {
    const location = parseAzureUrl(url);
    expect(parseAzureUrl(formatAzureUrl(location))).toStrictEqual(location);
  });
});

describe('sameDeployment', () => {
  it('treats dev.azure.com/{org} and {org}.visualstudio.com as one organization, ignoring case', () => {
    expect(sameDeployment(parseAzureUrl('https://dev.azure.com/fabrikam').deployment, parseAzureUrl('https://Fabrikam.visualstudio.com').deployment)).toBe(true);
    expect(
      sameDeployment(parseAzureUrl('git@ssh.dev.azure.com:v3/FABRIKAM/p/r').deployment, parseAzureUrl('https://fabrikam@dev.azure.com/fabrikam/p/_git/r').deployment),
    ).toBe(true);
    expect(sameDeployment(dev('fabrikam'), dev('contoso'))).toBe(false);
  });

  it('compares Server origin, virtual directory and collection without regard to case', () => {
    const a = parseAzureUrl('https://TFS.contoso.com/TFS/DefaultCollection/P/_git/R').deployment;
    const b = parseAzureUrl('https://tfs.contoso.com/tfs/defaultcollection').deployment;
    expect(sameDeployment(a, b)).toBe(true);
    expect(sameDeployment(a, server('https://tfs.contoso.com:8443', '/tfs', 'DefaultCollection'))).toBe(false);
    expect(sameDeployment(a, server('https://tfs.contoso.com', '', 'DefaultCollection'))).toBe(false);
    expect(sameDeployment(a, dev('DefaultCollection'))).toBe(false);
  });
});

function httpsCloneExamples(): string[] {
  return [
    'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web',
    'https://fabrikam.visualstudio.com/DefaultCollection/Fabrikam-Fiber/_git/_optimized/Web.git/',
    'https://devops.entreprise.local:8080/tfs/DefaultCollection/MyProject/_git/MyRepo',
    'https://devops.medpace.com/devops/DefaultCollection/_git/Design%20System',
    'https://dev.azure.com/fabrikam/Caf%C3%A9%20%231/_git/r%25%3Fx',
  ];
}

function webPageExamples(): string[] {
  return [
    'https://fabrikam.visualstudio.com/DefaultCollection/_git/Fabrikam/pullrequest/1#view=discussion',
    'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?version=GBusers%2Fana%2Ffix',
    'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_git/Web?path=/dir/file&version=GBmain&_a=contents&line=154&lineEnd=154',
    'https://dev.azure.com/fabrikam/Fabrikam-Fiber/_build/results?buildId=1234&view=logs',
    'https://fabrikam.visualstudio.com/DefaultCollection/Fabrikam-Fiber/web/wi.aspx?pcguid=x&id=5',
  ];
}
