import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatAzureUrl,
  parseAzureUrl,
  sameDeployment,
  webUrl,
  type AzureLocation,
  type Deployment,
  type ServerDeployment,
} from '../../src/azure/urls.js';
import { AzdoError } from '../../src/errors/azdo-error.js';

const RUNS = { numRuns: 2_000 };

/** Runs the parser and fails the property on anything but our typed error, or on the catch-all for our own bugs. */
function parseOrAzdoError(input: string): AzdoError | AzureLocation {
  try {
    return parseAzureUrl(input);
  } catch (error) {
    if (!(error instanceof AzdoError)) throw new Error(`threw ${String(error)} for ${JSON.stringify(input)}`, { cause: error });
    if (!/^AZDO_URL_(INVALID|UNSUPPORTED)$/.test(error.code)) throw new Error(`unexpected code ${error.code}`, { cause: error });
    if (error.message === 'This URL could not be read.') throw new Error(`hit the catch-all for ${JSON.stringify(input)}`, { cause: error });
    return error;
  }
}

// Pieces that steer generated text into every branch of the parser.
const schemes = fc.constantFrom('https://', 'http://', 'ssh://', 'git+ssh://', 'HTTPS://', 'ftp://', '', '//');
const userinfos = fc.constantFrom('', 'git@', 'fabrikam@', 'user:pass@', ':@', '@', 'a:b:c@', 'u:p/q@');
const hosts = fc.constantFrom(
  'dev.azure.com', 'DEV.Azure.com', 'ssh.dev.azure.com', 'vs-ssh.visualstudio.com', 'fabrikam.visualstudio.com',
  'app.vssps.visualstudio.com', 'vsrm.dev.azure.com', 'x.y.dev.azure.com', 'github.com', 'tfs.contoso.com', 'tfs',
  '[::1]', '[', 'localhost', 'dev.azure.com.', '', 'a..b', 'portal.azure.com',
);
const ports = fc.constantFrom('', ':22', ':443', ':8080', ':', ':0', ':99999', ':x');
const segment = fc.oneof(
  fc.constantFrom(
    'v3', '_git', '_ssh', '_optimized', '_full', 'DefaultCollection', 'tfs', '_apis', '_build', 'results', 'definition',
    '_workitems', 'edit', 'web', 'wi.aspx', 'pullrequest', 'pullRequest', 'commit', 'repo.git', '.git', '12', '0', '-1',
    '99999999999', 'abc123', '%20', '%', '%E0%A4%A', '%5Fgit', 'My%20Project', '..', '.', '', 'a@b', 'a:b',
  ),
  fc.string({ maxLength: 6 }),
);
const queryPiece = fc.constantFrom(
  '', '?version=GBmain', '?version=GX', '?version=GB', '?version=GC0123abc', '?version=%', '?path=/a&line=3', '?path=%E0',
  '?buildId=5', '?buildId=', '?definitionId=x', '?id=7', '?accountName=fabrikam', '?accountName=%', '#view=discussion',
  '#version=GTv1', '?&&==', '#', '?',
);
const urlish = fc
  .tuple(
    fc.constantFrom('', ' ', '\t'),
    schemes,
    userinfos,
    hosts,
    ports,
    fc.constantFrom('/', ':', ':/'),
    fc.array(segment, { maxLength: 8 }),
    queryPiece,
  )
  .map(([ws, scheme, user, host, port, sep, segs, query]) => `${ws}${scheme}${user}${host}${port}${sep}${segs.join('/')}${query}${ws}`);

describe('parseAzureUrl never throws anything but AzdoError', () => {
  it('for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => void parseOrAzdoError(s)), RUNS);
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), (s) => void parseOrAzdoError(s)), RUNS);
    // Lone surrogates and other code units that are not valid text.
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), (s) => void parseOrAzdoError(s)), RUNS);
  });

  it('for URL-shaped text built from Azure DevOps pieces', () => {
    fc.assert(fc.property(urlish, (s) => void parseOrAzdoError(s)), { numRuns: 10_000 });
  });

  it('for generic web URLs', () => {
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (s) => void parseOrAzdoError(s)), RUNS);
  });

  it('and its errors never contain the password or token of the URL', () => {
    // Characters allowed in userinfo, plus the ones people forget to escape.
    const secretChar = fc.constantFrom(...'ABCXYZabcxyz0189-._~!$&\'()*+,;=%/?#@:'.split(''));
    const secret = fc.string({ unit: secretChar, minLength: 4, maxLength: 20 }).map((s) => `Zk9${s}Qw7`);
    const tail = fc.oneof(urlish.map((u) => u.replace(/^\s*[a-zA-Z+]*:\/\/[^/]*/, '')), fc.constantFrom('/', '/_apis', '/o/p/_git/'));
    const withSecret = fc.tuple(fc.constantFrom('https://', 'http://', 'ssh://', ''), fc.constantFrom('user:', '', 'git:'), secret, hosts, tail);
    fc.assert(
      fc.property(withSecret, ([scheme, user, token, host, rest]) => {
        const result = parseOrAzdoError(`${scheme}${user}${token}@${host}${rest}`);
        if (result instanceof AzdoError) {
          expect(JSON.stringify([result.message, result.hint, result.details])).not.toContain(token);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('and never echoes a token pasted where a URL belongs', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{20,84}$/);
    fc.assert(
      fc.property(token, (t) => {
        const error = parseOrAzdoError(t);
        expect(error).toBeInstanceOf(AzdoError);
        expect(JSON.stringify([(error as AzdoError).message, (error as AzdoError).hint])).not.toContain(t);
      }),
      RUNS,
    );
  });
});

// Any text is a name as far as the URL is concerned: spaces, unicode, "%", "#", "?", "/", leading "_", trailing ".git".
const name = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('My Project', 'Café #1', '100%', 'a?b', 'x/y', '_private', 'web', 'tfs', 'repo.git', '.', '..', 'DefaultCollection', '日本語'),
);
const dnsLabel = fc
  .stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?$/)
  .filter((l) => !['www', 'app', 'marketplace', 'code', 'docs', 'my', 'status', 'ssh', 'vs-ssh'].includes(l.toLowerCase()));
const hostLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const serverDeployment: fc.Arbitrary<ServerDeployment> = fc
  .record({
    scheme: fc.constantFrom('http', 'https'),
    labels: fc.array(hostLabel, { minLength: 1, maxLength: 3 }),
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    virtualDirectory: fc.array(fc.stringMatching(/^[A-Za-z0-9-]{1,8}$/), { maxLength: 2 }),
    collection: name,
  })
  .map(({ scheme, labels, port, virtualDirectory, collection }) => {
    const keepPort = port !== undefined && port !== (scheme === 'http' ? 80 : 443);
    return {
      kind: 'server',
      origin: `${scheme}://${[...labels, 'test'].join('.')}${keepPort ? `:${port}` : ''}`,
      virtualDirectory: virtualDirectory.map((s) => `/${s}`).join(''),
      collection,
    };
  });
const deployment: fc.Arbitrary<Deployment> = fc.oneof(
  name.map((organization): Deployment => ({ kind: 'services', organization, host: 'dev.azure.com' })),
  dnsLabel.map((organization): Deployment => ({ kind: 'services', organization, host: 'visualstudio.com' })),
  serverDeployment,
);
const id = fc.integer({ min: 1, max: 2_147_483_647 });
const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const refName = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });
const path = fc.string({ unit: 'binary', maxLength: 20 }).map((p) => `/${p}`);
const version = fc.oneof(
  refName.map((value) => ({ type: 'branch' as const, value })),
  refName.map((value) => ({ type: 'tag' as const, value })),
  sha.map((value) => ({ type: 'commit' as const, value })),
);

function withOptionalProject<T extends object>(d: Deployment, project: string | undefined, rest: T) {
  return project === undefined ? { deployment: d, ...rest } : { deployment: d, project, ...rest };
}

const location: fc.Arbitrary<AzureLocation> = fc
  .tuple(deployment, fc.option(name, { nil: undefined }), name, fc.nat(10))
  .chain(([d, project, repository, pick]): fc.Arbitrary<AzureLocation> => {
    const inRepo = <T extends object>(rest: T) => withOptionalProject(d, project, { repository, ...rest });
    const p = project ?? repository;
    switch (pick) {
      case 0:
        return fc.constant({ type: 'organization', deployment: d });
      case 1:
        return fc.constant({ type: 'project', deployment: d, project: p });
      case 2:
        return fc.constant({ type: 'repository', ...inRepo({ transport: 'https' as const }) });
      case 3: {
        // SSH URLs always carry a project; the Services v3 form has no port and one host.
        const sshDeployment: Deployment = d.kind === 'services' ? { ...d, host: 'dev.azure.com' } : d;
        const port = d.kind === 'server' ? fc.option(fc.integer({ min: 1, max: 65535 }).filter((n) => n !== 22), { nil: undefined }) : fc.constant(undefined);
        return port.map((sshPort): AzureLocation => ({
          type: 'repository',
          deployment: sshDeployment,
          project: p,
          repository,
          transport: 'ssh',
          ...(sshPort === undefined ? {} : { sshPort }),
        }));
      }
      case 4:
        return refName.map((branch) => ({ type: 'branch', ...inRepo({ branch }) }));
      case 5:
        return refName.map((tag) => ({ type: 'tag', ...inRepo({ tag }) }));
      case 6:
        return sha.map((commitId) => ({ type: 'commit', ...inRepo({ commitId }) }));
      case 7:
        return fc
          .record({ path, version: fc.option(version, { nil: undefined }), line: fc.option(fc.integer({ min: 1, max: 99_999_999 }), { nil: undefined }) })
          .map(({ path: filePath, version: v, line }) => ({
            type: 'file',
            ...inRepo({ path: filePath, ...(v === undefined ? {} : { version: v }), ...(line === undefined ? {} : { line }) }),
          }));
      case 8:
        return id.map((pullRequestId) => ({ type: 'pullRequest', ...inRepo({ pullRequestId }) }));
      case 9:
        return fc.oneof(
          id.map((buildId): AzureLocation => ({ type: 'build', deployment: d, project: p, buildId })),
          id.map((definitionId): AzureLocation => ({ type: 'buildDefinition', deployment: d, project: p, definitionId })),
        );
      default:
        return id.map((workItemId) => ({ type: 'workItem', ...withOptionalProject(d, project, { workItemId }) }));
    }
  });

function knownServers(l: AzureLocation): Deployment[] {
  return l.deployment.kind === 'server' ? [l.deployment] : [];
}

describe('canonical URLs round-trip', () => {
  it('format → parse gives the same location (Server paths resolved by the known deployment)', () => {
    fc.assert(
      fc.property(location, (l) => {
        const url = formatAzureUrl(l);
        expect(parseAzureUrl(url, { knownServers: knownServers(l) })).toStrictEqual(l);
        expect(url.trim()).toBe(url);
      }),
      { numRuns: 5_000 },
    );
  });

  it('the web URL of a repository location reads back as its HTTPS form', () => {
    fc.assert(
      fc.property(location, (l) => {
        const parsed = parseAzureUrl(webUrl(l), { knownServers: knownServers(l) });
        if (l.type === 'repository') {
          const { sshPort: _sshPort, ...https } = l;
          expect(parsed).toStrictEqual({ ...https, transport: 'https' });
        } else {
          expect(parsed).toStrictEqual(l);
        }
      }),
      RUNS,
    );
  });

  it('common Server shapes round-trip without knowing the server', () => {
    // Collection, optionally behind /tfs, then a project and a route: the shapes Azure DevOps Server itself writes.
    const plain = name.filter((n) => !['tfs', 'defaultcollection'].includes(n.toLowerCase()));
    const shape = fc.record({
      origin: fc.constantFrom('https://tfs.contoso.com', 'http://ados.local:8080'),
      virtualDirectory: fc.constantFrom('', '/tfs'),
      collection: plain,
      project: plain,
      repository: name,
      pullRequestId: id,
    });
    fc.assert(
      fc.property(shape, ({ origin, virtualDirectory, collection, project, repository, pullRequestId }) => {
        const d: Deployment = { kind: 'server', origin, virtualDirectory, collection };
        const locations: AzureLocation[] = [
          { type: 'organization', deployment: d },
          { type: 'repository', deployment: d, project, repository, transport: 'https' },
          { type: 'pullRequest', deployment: d, project, repository, pullRequestId },
          { type: 'workItem', deployment: d, project, workItemId: pullRequestId },
        ];
        for (const l of locations) expect(parseAzureUrl(formatAzureUrl(l))).toStrictEqual(l);
      }),
      RUNS,
    );
  });
});

describe('case does not matter for matching', () => {
  const flipCase = (s: string, mask: number) =>
    [...s].map((c, i) => ((mask >> i % 30) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

  it('hosts, routes and organization names in any case give the same deployment and route', () => {
    fc.assert(
      fc.property(dnsLabel, fc.integer({ min: 0, max: 2 ** 30 - 1 }), id, (org, mask, prId) => {
        const original = parseAzureUrl(`https://dev.azure.com/${org}/Project/_git/Repo/pullrequest/${prId}`);
        const shouted = parseAzureUrl(
          `${flipCase('https://dev.azure.com', mask)}/${flipCase(org, mask >> 3)}/${flipCase('DefaultCollection', mask)}/Project/${flipCase('_git', mask >> 5)}/Repo/${flipCase('pullrequest', mask >> 7)}/${prId}`,
        );
        const legacyHost = parseAzureUrl(`https://${flipCase(org, mask >> 11)}.${flipCase('visualstudio.com', mask)}/Project/_git/Repo/pullrequest/${prId}`);
        expect(shouted.type).toBe('pullRequest');
        expect(legacyHost.type).toBe('pullRequest');
        expect(sameDeployment(original.deployment, shouted.deployment)).toBe(true);
        expect(sameDeployment(original.deployment, legacyHost.deployment)).toBe(true);
      }),
      RUNS,
    );
  });

  it('keeps the case the user gave for names', () => {
    fc.assert(
      fc.property(dnsLabel, name, (org, project) => {
        const l = parseAzureUrl(formatAzureUrl({ type: 'project', deployment: { kind: 'services', organization: org, host: 'visualstudio.com' }, project }));
        expect(l).toStrictEqual({ type: 'project', deployment: { kind: 'services', organization: org, host: 'visualstudio.com' }, project });
      }),
      RUNS,
    );
  });
});
