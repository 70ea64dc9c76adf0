// The connection commands as a user or a script runs them: a real process, a real data directory, the simulator
// standing in for Azure DevOps. Exit codes and --json shapes are what scripts rely on (docs/cli.md).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL } from '../store/test-stores.js';
import { cliWorld, storeSnapshot, type CliWorld } from './cli-world.js';
import { runCli, runInTerminal } from './run-cli.js';

const exec = promisify(execFile);

interface ErrorOutput {
  error: { code: string; message: string; hint: string; field?: string; fields?: Array<{ field: string; code: string }> };
}

let world: CliWorld;
let patFile: string;
const cli = (...args: string[]) => runCli(args, { env: world.env });

beforeAll(async () => {
  world = await cliWorld();
  patFile = await world.file('token.txt', `${world.pat}\n`);
});
afterAll(() => world.close());

describe('the README walk-through', () => {
  it('adds, tests, lists, shows, edits and removes a connection, with --json at every step', async () => {
    const add = await cli('connection', 'add', '--name', 'prod', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--json');
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const added = add.json as { connection: { name: string; url: string; kind: string; credential: { type: string; tokenFingerprint: string } }; test: { ok: boolean } };
    expect(added.connection).toMatchObject({ name: 'prod', url: 'https://dev.azure.com/fabrikam', kind: 'services', credential: { type: 'pat' } });
    expect(added.test.ok).toBe(true);

    const test = await cli('connection', 'test', 'prod', '--json');
    expect(test.code).toBe(0);
    const report = test.json as { ok: boolean; checks: Array<{ code: string; status: string; message: string; hint?: string }> };
    expect(report.ok).toBe(true);
    expect(report.checks.length).toBeGreaterThan(0);
    for (const check of report.checks) {
      expect(check.code).toMatch(/^AZDO_/);
      expect(['pass', 'warn', 'fail', 'skip']).toContain(check.status);
      expect(check.message).not.toBe('');
    }

    const list = await cli('connection', 'list', '--json');
    expect(list.code).toBe(0);
    const listed = (list.json as { connections: Array<{ name: string; status: { lastTestOk?: boolean; lastTestAt?: string } }> }).connections;
    expect(listed.map((c) => c.name)).toEqual(['prod']);
    expect(listed[0]!.status.lastTestOk).toBe(true);

    const show = await cli('connection', 'show', 'prod', '--json');
    expect(show.code).toBe(0);
    expect(show.json).toMatchObject({ name: 'prod', credential: { type: 'pat', tokenFingerprint: added.connection.credential.tokenFingerprint } });

    const edit = await cli('connection', 'edit', 'prod', '--description', 'Production organization', '--label', 'prod,team-a', '--json');
    expect(edit.code).toBe(0);
    expect(edit.json).toMatchObject({ connection: { description: 'Production organization', labels: ['prod', 'team-a'], version: 2 } });

    // The token was kept: the edited connection still works.
    expect((await cli('connection', 'test', 'PROD', '--json')).code).toBe(0);

    const remove = await cli('connection', 'remove', 'prod', '--yes', '--json');
    expect(remove.code).toBe(0);
    expect(remove.json).toMatchObject({ removed: { name: 'prod' } });
    expect((remove.json as { consequence: string }).consequence).toContain('PAT itself stays valid in Azure DevOps until you revoke it');
    expect(((await cli('connection', 'list', '--json')).json as { connections: unknown[] }).connections).toEqual([]);
  });

  it('prints people a table with the credential expiry countdown', async () => {
    const expires = new Date(Date.now() + 12.5 * 86_400_000).toISOString().slice(0, 10);
    expect((await cli('connection', 'add', '--name', 'table', '--url', 'https://fabrikam.visualstudio.com', '--pat-file', patFile, '--pat-expires', expires, '--no-test')).code).toBe(0);
    const list = await cli('connection', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+KIND\s+URL\s+CREDENTIAL\s+LAST TEST\s+EXPIRY/m);
    expect(list.stdout).toMatch(/table\s+services\s+https:\/\/fabrikam\.visualstudio\.com\s+PAT …[0-9a-f]{6}\s+never tested\s+PAT expires in 1[12] days/);
    await cli('connection', 'remove', 'table', '--yes');
  });
});

describe('bad input', () => {
  interface Case {
    name: string;
    args: () => Promise<{ name?: string; url?: string; credential?: string[]; extra?: string[] }>;
    code: string;
    field: string;
    exit?: number;
  }
  const serverUrl = () => `${world.sim.url}/DefaultCollection`;
  const cases: Case[] = [
    { name: 'a URL that is not one', args: async () => ({ url: 'not a url' }), code: 'AZDO_URL_INVALID', field: 'url' },
    { name: 'a GitHub URL', args: async () => ({ url: 'https://github.com/fabrikam/web' }), code: 'AZDO_URL_UNSUPPORTED', field: 'url' },
    { name: 'a Server URL given as --kind services', args: async () => ({ url: serverUrl(), extra: ['--kind', 'services'] }), code: 'AZDO_CONNECTION_INVALID', field: 'kind' },
    {
      name: 'a PAT file holding a whole header',
      args: async () => ({ credential: ['--pat-file', await world.file('header.txt', `Authorization: Basic ${Buffer.from(`:${world.pat}`).toString('base64')}`)] }),
      code: 'AZDO_PAT_INVALID',
      field: 'credential.token',
    },
    { name: 'an empty PAT file', args: async () => ({ credential: ['--pat-file', await world.file('empty.txt', '\n')] }), code: 'AZDO_PAT_INVALID', field: 'credential.token' },
    { name: 'a PAT file that does not exist', args: async () => ({ credential: ['--pat-file', path.join(world.dir, 'missing.txt')] }), code: 'AZDO_CLI_FILE_UNREADABLE', field: 'credential.token' },
    { name: 'a PAT variable that is not set', args: async () => ({ credential: ['--pat-env', 'AZDO_TEST_UNSET_PAT'] }), code: 'AZDO_CLI_ENV_MISSING', field: 'credential.token' },
    { name: 'no credential at all, and no terminal to ask', args: async () => ({ credential: [] }), code: 'AZDO_CLI_SECRET_MISSING', field: 'credential' },
    { name: 'an Ed25519 key', args: async () => ({ credential: ['--ssh-key-file', await keyFile('ed25519')] }), code: 'AZDO_SSH_KEY_NOT_RSA', field: 'credential.privateKey' },
    { name: 'a public key given as the private key', args: async () => ({ credential: ['--ssh-key-file', `${await keyFile('rsa')}.pub`] }), code: 'AZDO_SSH_KEY_IS_PUBLIC', field: 'credential.privateKey' },
    {
      name: 'a service principal for a Server collection',
      args: async () => ({
        url: serverUrl(),
        credential: ['--tenant-id', '72f988bf-86f1-41af-91ab-2d7cd011db47', '--client-id', '11111111-2222-3333-4444-555555555555', '--client-secret-file', await world.file('sp.txt', 'client-secret-value')],
      }),
      code: 'AZDO_SP_SERVER_UNSUPPORTED',
      field: 'credential',
    },
    { name: 'a CA bundle for a Services organization', args: async () => ({ extra: ['--ca-file', await world.file('ca.pem', 'not a certificate')] }), code: 'AZDO_CONNECTION_INVALID', field: 'tls.caBundle' },
    { name: 'a CA bundle without a certificate', args: async () => ({ url: serverUrl(), extra: ['--ca-file', await world.file('ca2.pem', 'not a certificate')] }), code: 'AZDO_TLS_CA_INVALID', field: 'tls.caBundle' },
    { name: 'a reserved custom header', args: async () => ({ extra: ['--header', 'Authorization: Basic abc'] }), code: 'AZDO_HEADER_INVALID', field: 'customHeaders.Authorization' },
    { name: 'a duplicate name (in another case)', args: async () => ({ name: 'EXISTING' }), code: 'AZDO_CONNECTION_NAME_TAKEN', field: 'name', exit: 5 },
  ];

  let keys: string;
  async function keyFile(type: 'rsa' | 'ed25519'): Promise<string> {
    keys ??= world.dir;
    const file = path.join(keys, `id_${type}`);
    await exec('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-f', file]).catch(() => undefined);
    return file;
  }

  beforeAll(async () => {
    expect((await cli('connection', 'add', '--name', 'existing', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--no-test')).code).toBe(0);
  });

  for (const c of cases) {
    it(`names the field and leaves the store unchanged: ${c.name}`, async () => {
      const before = storeSnapshot(world.dataDir);
      const a = await c.args();
      const args = ['connection', 'add', '--name', a.name ?? 'new', '--url', a.url ?? 'https://dev.azure.com/fabrikam', ...(a.credential ?? ['--pat-file', patFile]), ...(a.extra ?? []), '--no-test', '--json'];
      const result = await cli(...args);
      expect(result.json).toMatchObject({ error: { code: c.code, field: c.field } });
      const error = (result.json as ErrorOutput).error;
      expect(error.message).not.toBe('');
      expect(error.hint).not.toBe('');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(c.exit ?? 3);
      expect(storeSnapshot(world.dataDir)).toBe(before);
    });
  }

  it('reports every bad field at once', async () => {
    const before = storeSnapshot(world.dataDir);
    const bad = await world.file('bad-pat.txt', '"quoted-token"');
    const result = await cli('connection', 'add', '--name', ' ', '--url', 'https://gitlab.com/x/y', '--pat-file', bad, '--ssh-port', '22', '--json');
    expect(result.code).toBe(3);
    const error = (result.json as ErrorOutput).error;
    expect(error.code).toBe('AZDO_CONNECTION_INVALID');
    expect(error.fields?.map((f) => [f.field, f.code])).toEqual([
      ['name', 'AZDO_CONNECTION_INVALID'],
      ['url', 'AZDO_URL_UNSUPPORTED'],
      ['credential.token', 'AZDO_PAT_INVALID'],
    ]);
    expect(storeSnapshot(world.dataDir)).toBe(before);
  });

  it('prints the code, the field with its option, and the hint to people', async () => {
    const result = await cli('connection', 'add', '--name', 'x', '--url', 'https://github.com/a/b', '--pat-file', patFile, '--no-test');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Error AZDO_URL_UNSUPPORTED: This is a GitHub URL');
    expect(result.stderr).toContain('field: url (--url)');
    expect(result.stderr).toMatch(/hint: .+/);
  });

  it('refuses an edit that would break the connection, and keeps it as it was', async () => {
    const before = storeSnapshot(world.dataDir);
    const result = await cli('connection', 'edit', 'existing', '--url', 'https://bitbucket.org/x/y', '--description', 'changed', '--json');
    expect(result.code).toBe(3);
    expect(result.json).toMatchObject({ error: { code: 'AZDO_URL_UNSUPPORTED', field: 'url' } });
    expect(storeSnapshot(world.dataDir)).toBe(before);
  });

  it('refuses an edit made against an older version', async () => {
    const before = storeSnapshot(world.dataDir);
    const result = await cli('connection', 'edit', 'existing', '--description', 'late', '--expected-version', '99', '--json');
    expect(result.code).toBe(5);
    expect(result.json).toMatchObject({ error: { code: 'AZDO_STORE_CONFLICT' } });
    expect(storeSnapshot(world.dataDir)).toBe(before);
  });
});

describe('edit', () => {
  it('changes only what is given: a PAT expiry without the token, a secret header without the others', async () => {
    const header = await world.file('proxy-secret.txt', 'proxy-secret-1');
    expect((await cli('connection', 'add', '--name', 'editable', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--header', 'X-Plain: one', '--secret-header-file', `X-Secret=${header}`, '--no-test')).code).toBe(0);
    const edited = await cli('connection', 'edit', 'editable', '--pat-expires', '2031-01-01', '--header', 'X-Plain: two', '--json');
    expect(edited.code).toBe(0);
    expect(edited.json).toMatchObject({
      changed: ['credential', 'customHeaders'],
      connection: {
        credential: { type: 'pat', expiresAt: '2031-01-01T00:00:00.000Z' },
        customHeaders: [{ name: 'X-Secret', secret: true }, { name: 'X-Plain', secret: false, value: 'two' }],
      },
    });
    expect((await cli('connection', 'test', 'editable', '--json')).json).toMatchObject({ ok: true });
    const cleared = await cli('connection', 'edit', 'editable', '--clear-pat-expires', '--remove-header', 'x-secret', '--json');
    expect(cleared.json).toMatchObject({ connection: { credential: { type: 'pat' }, customHeaders: [{ name: 'X-Plain' }] } });
    expect((cleared.json as { connection: { credential: object } }).connection.credential).not.toHaveProperty('expiresAt');
    expect((await cli('connection', 'edit', 'editable', '--json')).code).toBe(2);
  });
});

describe('remove', () => {
  it('refuses without --yes when there is no terminal to ask, and says what would stop working', async () => {
    expect((await cli('connection', 'add', '--name', 'keep', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--no-test')).code).toBe(0);
    const before = storeSnapshot(world.dataDir);
    const result = await cli('connection', 'remove', 'keep', '--json');
    expect(result.code).toBe(7);
    expect(result.json).toMatchObject({ error: { code: 'AZDO_CLI_CONFIRMATION_REQUIRED' } });
    const error = (result.json as ErrorOutput).error;
    expect(error.message).toContain("Anything using connection 'keep' (https://dev.azure.com/fabrikam) will no longer reach Azure DevOps");
    expect(error.hint).toContain('--yes');
    expect(storeSnapshot(world.dataDir)).toBe(before);
  });
});

describe('at a terminal', () => {
  it('asks for the PAT without showing it', async () => {
    const typed = `typedpat${randomBytes(8).toString('hex')}typedpat`;
    const result = await runInTerminal(
      ['connection', 'add', '--name', 'typed', '--url', 'https://dev.azure.com/fabrikam', '--no-test'],
      [{ when: /Personal access token/, send: `${typed}\r` }],
      { env: world.env },
    );
    expect(result.code).toBe(0);
    expect(result.transcript).toContain("Added connection 'typed'");
    expect(result.transcript).not.toContain(typed);
    expect(result.transcript).toContain('*'.repeat(typed.length));
  });

  it('removes only after a yes, and a no changes nothing (exit 7)', async () => {
    const before = storeSnapshot(world.dataDir);
    const no = await runInTerminal(['connection', 'remove', 'typed'], [{ when: /Remove connection 'typed'\?/, send: 'n\r' }], { env: world.env });
    expect(no.code).toBe(7);
    expect(no.transcript).toContain("Anything using connection 'typed'");
    expect(no.transcript).toContain('AZDO_CLI_CANCELLED');
    expect(storeSnapshot(world.dataDir)).toBe(before);
    const yes = await runInTerminal(['connection', 'remove', 'typed'], [{ when: /Remove connection 'typed'\?/, send: 'y\r' }], { env: world.env });
    expect(yes.code).toBe(0);
    expect(yes.transcript).toContain("Removed connection 'typed'");
  });
});

describe('exit codes', () => {
  it('2 for a usage error, as JSON with --json', async () => {
    const plain = await cli('connection', 'add', '--name', 'x');
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("required option '--url <url>' not specified");
    const json = await cli('connection', 'list', '--no-such-option', '--json');
    expect(json.code).toBe(2);
    expect(json.json).toMatchObject({ error: { code: 'AZDO_CLI_USAGE' } });
    expect(json.stderr).toBe('');
  });

  it('0 for --help, which loads no command module', async () => {
    const help = await cli('connection', 'add', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--no-test');
    expect(help.stdout).toContain('--pat-file');
    expect(help.stdout).not.toMatch(/--pat </);
  });

  it('4 for a connection that does not exist', async () => {
    for (const command of [['show'], ['test'], ['edit', '--description', 'x'], ['remove', '--yes']]) {
      const [verb, ...rest] = command as [string, ...string[]];
      const result = await cli('connection', verb, 'nobody', ...rest, '--json');
      expect(result.code, verb).toBe(4);
      expect(result.json, verb).toMatchObject({ error: { code: 'AZDO_CONNECTION_NOT_FOUND' } });
    }
  });

  it('6 when the connection test finds a failing check, with each check\'s code, status, message and hint', async () => {
    const wrong = await world.file('wrong.txt', 'a'.repeat(52));
    expect((await cli('connection', 'add', '--name', 'broken', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', wrong, '--no-test')).code).toBe(0);
    const result = await cli('connection', 'test', 'broken', '--json');
    expect(result.code).toBe(6);
    const report = result.json as { ok: boolean; checks: Array<{ code: string; status: string; message: string; hint?: string }> };
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const check of failed) expect(check.hint).toBeTruthy();
    const shown = await cli('connection', 'show', 'broken', '--json');
    expect(shown.json).toMatchObject({ status: { lastTestOk: false } });
  });

  it('the plain text test report lists each check and ends with the verdict', async () => {
    const result = await cli('connection', 'test', 'existing');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[ok {2}\] /m);
    expect(result.stdout).toMatch(/Connection works: \d+ passed/);
  });
});

describe('a Server\'s SSH host key', () => {
  let keyFile: string;
  beforeAll(async () => {
    keyFile = path.join(world.dir, 'alice_rsa');
    await exec('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', keyFile]);
    await world.sim.control.addSshKey({ user: world.userId, publicKey: await readFile(`${keyFile}.pub`, 'utf8') });
    const add = await cli('connection', 'add', '--name', 'onprem', '--url', `${world.sim.url}/DefaultCollection/Fiber/_git/web`, '--ssh-key-file', keyFile, '--ssh-port', String(world.sim.sshPort), '--no-test');
    expect(add.code).toBe(0);
  });

  it('is not pinned without a terminal, --trust-host-key or --yes, and the fingerprint to check is printed', async () => {
    const result = await cli('connection', 'test', 'onprem');
    expect(result.stdout).toContain(`presents the key ${world.sim.sshHostKeyFingerprint}, not seen before; it was not pinned`);
    expect(result.stdout).toContain(`--trust-host-key ${world.sim.sshHostKeyFingerprint}`);
    expect(((await cli('connection', 'show', 'onprem', '--json')).json as { ssh: object }).ssh).not.toHaveProperty('knownHosts');
  });

  it('is refused when it is not the one given to --trust-host-key: the test fails', async () => {
    const result = await cli('connection', 'test', 'onprem', '--trust-host-key', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', '--json');
    expect(result.code).toBe(6);
    expect(result.json).toMatchObject({ ok: false, hostKeyMismatch: { seen: world.sim.sshHostKeyFingerprint }, unconfirmedHostKey: { fingerprint: world.sim.sshHostKeyFingerprint } });
    expect(((await cli('connection', 'show', 'onprem', '--json')).json as { ssh: object }).ssh).not.toHaveProperty('knownHosts');
  });

  it('is pinned when it is the one given, and the SSH checks pass against it', async () => {
    const result = await cli('connection', 'test', 'onprem', '--trust-host-key', world.sim.sshHostKeyFingerprint, '--json');
    expect(result.code).toBe(0);
    const report = result.json as { ok: boolean; pinnedHostKey: { fingerprint: string }; checks: Array<{ id: string; status: string }> };
    expect(report.pinnedHostKey.fingerprint).toBe(world.sim.sshHostKeyFingerprint);
    expect(report.checks.find((c) => c.id === 'ssh-key')?.status).toBe('pass');
    const shown = (await cli('connection', 'show', 'onprem', '--json')).json as { ssh: { knownHosts: string; port: number } };
    expect(shown.ssh.knownHosts).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${world.sim.sshPort} ssh-rsa AAAA`));
    expect(shown.ssh.port).toBe(world.sim.sshPort);
  });
});

describe('on PostgreSQL (DATABASE_URL)', () => {
  const schema = `t_cli_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  const url = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const pgCli = (...args: string[]) => runCli(args, { env: { ...world.env, DATABASE_URL: url } });
  const snapshot = async () => JSON.stringify([
    (await admin.query(`select * from ${schema}.connections order by id`)).rows,
    (await admin.query(`select * from ${schema}.secrets order by id`)).rows,
  ]);

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`create schema ${schema}`);
  });
  afterAll(async () => {
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('keeps connections there, and a failed add leaves it as it was', async () => {
    expect((await pgCli('connection', 'add', '--name', 'pg', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--json')).code).toBe(0);
    expect((await pgCli('connection', 'test', 'pg', '--json')).json).toMatchObject({ ok: true });
    const before = await snapshot();
    expect(before).toContain('"name":"pg"');
    expect(before).not.toContain(world.pat);
    const dup = await pgCli('connection', 'add', '--name', 'PG', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--json');
    expect(dup.code).toBe(5);
    expect(await snapshot()).toBe(before);
    expect((await pgCli('connection', 'edit', 'pg', '--description', 'on postgres', '--json')).code).toBe(0);
    expect((await pgCli('connection', 'remove', 'pg', '--yes')).code).toBe(0);
    expect((await admin.query(`select count(*)::int as n from ${schema}.secrets`)).rows[0]).toEqual({ n: 0 });
  });
});

describe('the data directory', () => {
  it('keeps the secret key file private', async () => {
    const info = await import('node:fs/promises').then((fs) => fs.stat(path.join(world.dataDir, 'secret.key')));
    expect(info.mode & 0o777).toBe(0o600);
    expect((await readFile(path.join(world.dataDir, 'secret.key'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });
});
