// THE SECRET-LEAK TEST. The whole CLI walk-through with recognisable secrets: a PAT, an SSH private key and its
// passphrase, a generated private key, a client secret and a secret header value. Every stdout and stderr, every
// process argument list seen while the commands ran, and every file of the data directory is searched for each secret
// as text, UTF-16, base64 and hex. The secrets reach the CLI only through files and environment variables.
import { execFile } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sshpk from 'sshpk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSshPrivateKey } from '../../src/credentials/ssh-keys.js';
import { cliWorld, type CliWorld } from './cli-world.js';
import { runCli, type CliResult } from './run-cli.js';

const exec = promisify(execFile);
const tag = randomBytes(4).toString('hex');

/** Base32-like like a real PAT, and recognisable. */
const PAT = `leakpat${tag}${'q'.repeat(37)}`.slice(0, 52);
const NEW_PAT = `leaknew${tag}${'r'.repeat(37)}`.slice(0, 52);
const PASSPHRASE = `leak-passphrase-${tag}`;
const HEADER_SECRET = `leak-header-${tag}-value`;

let world: CliWorld;
let sp: { principal: { appId: string; tenantId: string }; clientSecret: string };
let clientSecret: string;
const runs: Array<{ args: string[]; result: CliResult }> = [];

/** The byte patterns a leaked text secret could take: UTF-8, UTF-16 (SQLite's other text encoding), base64, hex. */
function forms(secret: string): Buffer[] {
  const utf8 = Buffer.from(secret, 'utf8');
  return [utf8, Buffer.from(secret, 'utf16le'), Buffer.from(utf8.toString('base64')), Buffer.from(utf8.toString('hex'))];
}

/** name → the byte patterns that must appear nowhere. */
const secrets = new Map<string, Buffer[]>();

function addSecret(name: string, ...values: string[]): void {
  secrets.set(name, values.flatMap(forms));
}

function leaksIn(where: string, bytes: Buffer): string[] {
  // Encoded keys are wrapped (64 or 70 columns), and JSON escapes the line breaks: searched once more without them.
  const unwrapped = Buffer.from(bytes.toString('latin1').replace(/\r|\n|\\r|\\n/g, ''), 'latin1');
  return [...secrets]
    .filter(([, patterns]) => patterns.some((p) => bytes.includes(p) || unwrapped.includes(p)))
    .map(([name]) => `${where}: ${name}`);
}

/**
 * The patterns of a private key: its private exponent and primes as raw bytes, hex, and base64 at each of the three
 * alignments they could have inside a larger encoded key (OpenSSH, PEM, PKCS#8). The public half is left out: it
 * is meant to be shown. A leak of the key in any of those encodings contains one of these.
 */
async function addPrivateKey(name: string, text: string, passphrase?: string): Promise<void> {
  const unlocked = (await importSshPrivateKey(text, passphrase)).privateKey;
  const pkcs1 = sshpk.parsePrivateKey(unlocked, 'ssh-private').toString('pkcs1');
  const jwk = createPrivateKey({ key: pkcs1, format: 'pem' }).export({ format: 'jwk' });
  const patterns: Buffer[] = [];
  for (const part of [jwk.d, jwk.p, jwk.q]) {
    const raw = Buffer.from(part!, 'base64url');
    patterns.push(raw, Buffer.from(raw.toString('hex')));
    for (const pad of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(pad), raw]).toString('base64');
      // Characters that depend on the neighbouring bytes are cut at both ends; a line break could fall anywhere, so
      // a 40-character window from the middle is what is looked for.
      const middle = Math.floor(encoded.length / 2);
      patterns.push(Buffer.from(encoded.slice(middle - 20, middle + 20)));
    }
  }
  secrets.set(name, patterns);
}

/** Leaks found in the data directory while a command was running (its SQLite WAL and shared memory included). */
const leaksWhileRunning: string[] = [];
const filesSeenWhileRunning = new Set<string>();

async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const during = async (): Promise<void> => {
    const { leaks, scanned } = await scanDataDir();
    leaksWhileRunning.push(...leaks);
    for (const f of scanned) filesSeenWhileRunning.add(f);
  };
  const result = await runCli(args, { env: { ...world.env, ...env }, sampleArgv: true, during });
  runs.push({ args, result });
  return result;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  // Before the first command the data directory does not exist yet.
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

async function scanDataDir(): Promise<{ leaks: string[]; scanned: string[] }> {
  const leaks: string[] = [];
  const scanned: string[] = [];
  for (const file of await filesUnder(world.dataDir)) {
    // The vault's key (and a rotation's next key, until it replaces it) is no connection secret, but must be private.
    if (path.basename(file).startsWith('secret.key')) {
      const info = await stat(file).catch(() => undefined);
      if (info) expect(info.mode & 0o777).toBe(0o600);
      continue;
    }
    // Read while a command runs, a file can go between listing and reading (SQLite removes its WAL on close).
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) continue;
    scanned.push(path.basename(file));
    leaks.push(...leaksIn(file, bytes));
  }
  return { leaks, scanned };
}

beforeAll(async () => {
  world = await cliWorld({ pat: PAT });
  const { sim } = world;
  await sim.control.createPat({ user: world.userId, scope: 'app_token', token: NEW_PAT });
  sp = await sim.control.createServicePrincipal({ displayName: 'ci-bot', hosts: ['fabrikam'] });
  clientSecret = sp.clientSecret;

  const keyFile = path.join(world.dir, 'id_rsa');
  await exec('ssh-keygen', ['-q', '-t', 'rsa', '-b', '3072', '-N', PASSPHRASE, '-C', 'leak-test', '-f', keyFile]);
  await sim.control.addSshKey({ user: world.userId, publicKey: await readFile(`${keyFile}.pub`, 'utf8') });
  const keyText = await readFile(keyFile, 'utf8');

  // A PAT is sent as Basic base64(":" + PAT): that form must not leak either.
  addSecret('PAT', PAT, `:${PAT}`);
  addSecret('new PAT', NEW_PAT, `:${NEW_PAT}`);
  addSecret('SSH passphrase', PASSPHRASE);
  await addPrivateKey('SSH private key', keyText, PASSPHRASE);
  addSecret('client secret', clientSecret);
  addSecret('secret header value', HEADER_SECRET);
}, 120_000);

afterAll(() => world.close());

describe('no secret leaks', () => {
  it('(the search itself finds each secret in the forms a leak would take)', async () => {
    const keyText = await readFile(path.join(world.dir, 'id_rsa'), 'utf8');
    const unlocked = (await importSshPrivateKey(keyText, PASSPHRASE)).privateKey;
    const pem = sshpk.parsePrivateKey(unlocked, 'ssh-private').toString('pkcs1');
    const pkcs8 = sshpk.parsePrivateKey(unlocked, 'ssh-private').toString('pkcs8');
    const samples = { unlocked, pem, pkcs8, json: JSON.stringify({ key: unlocked }), der: sshpk.parsePrivateKey(unlocked, 'ssh-private').toBuffer('pkcs1').toString('latin1') };
    for (const [form, leak] of Object.entries(samples)) {
      expect(leaksIn(form, Buffer.from(leak, form === 'der' ? 'latin1' : 'utf8')), form).toEqual([`${form}: SSH private key`]);
    }
    expect(leaksIn('sample', Buffer.from(`Authorization: Basic ${Buffer.from(`:${PAT}`).toString('base64')}`))).toEqual(['sample: PAT']);
    expect(leaksIn('sample', Buffer.from(`{"h":"${HEADER_SECRET}"}`, 'utf16le'))).toEqual(['sample: secret header value']);
    expect(leaksIn('sample', Buffer.from(Buffer.from(clientSecret).toString('hex')))).toEqual(['sample: client secret']);
    // The public half is meant to be shown, and is not mistaken for a leak.
    expect(leaksIn('sample', Buffer.from(await readFile(path.join(world.dir, 'id_rsa.pub'), 'utf8')))).toEqual([]);
  });

  it('into output, process arguments or the data directory, through the whole walk-through', { timeout: 300_000 }, async () => {
    const { sim } = world;
    const patFile = await world.file('pat.txt', `${PAT}\n`);
    const headerFile = await world.file('header.txt', HEADER_SECRET);
    const keyFile = path.join(world.dir, 'id_rsa');
    const generatedOut = path.join(world.dir, 'generated_rsa');
    const serverUrl = `${sim.url}/DefaultCollection`;
    const secretEnv = { LEAK_PASSPHRASE: PASSPHRASE, LEAK_CLIENT_SECRET: clientSecret, LEAK_NEW_PAT: NEW_PAT };

    // Adding, with every kind of secret, and testing.
    expect((await cli(['connection', 'add', '--name', 'prod', '--url', 'https://dev.azure.com/fabrikam/Fiber/_git/web', '--pat-file', patFile, '--header', 'X-Plain: visible', '--secret-header-file', `X-Proxy-Secret=${headerFile}`, '--json'])).code).toBe(0);
    expect((await cli(['connection', 'add', '--name', 'onprem', '--url', serverUrl, '--ssh-key-file', keyFile, '--ssh-key-passphrase-env', 'LEAK_PASSPHRASE', '--ssh-port', String(sim.sshPort), '--yes'], secretEnv)).code).toBe(0);
    expect((await cli(['connection', 'add', '--name', 'robot', '--url', 'https://dev.azure.com/fabrikam', '--tenant-id', sp.principal.tenantId, '--client-id', sp.principal.appId, '--client-secret-env', 'LEAK_CLIENT_SECRET', '--json'], secretEnv)).code).toBe(0);
    expect((await cli(['connection', 'add', '--name', 'fresh', '--url', 'https://dev.azure.com/fabrikam', '--generate-ssh-key', '--ssh-key-out', generatedOut])).code).toBe(0);
    await addPrivateKey('generated private key', await readFile(generatedOut, 'utf8'));

    // Looking at them, every way.
    for (const name of ['prod', 'onprem', 'robot', 'fresh']) {
      await cli(['connection', 'show', name]);
      await cli(['connection', 'show', name, '--json']);
      await cli(['connection', 'test', name, '--json']);
      await cli(['connection', 'test', name]);
    }
    await cli(['connection', 'list']);
    await cli(['connection', 'list', '--json']);

    // Changing them, and mistakes that quote their input in errors.
    expect((await cli(['connection', 'edit', 'prod', '--pat-env', 'LEAK_NEW_PAT', '--test'], secretEnv)).code).toBe(0);
    expect((await cli(['connection', 'edit', 'prod', '--secret-header-env', 'X-Proxy-Secret=LEAK_CLIENT_SECRET', '--json'], secretEnv)).code).toBe(0);
    const badPat = await world.file('bad-pat.txt', `${PAT} ${NEW_PAT}`);
    expect((await cli(['connection', 'add', '--name', 'bad', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', badPat, '--json'])).code).toBe(3);
    const quoted = await world.file('quoted-pat.txt', `"${PAT}"`);
    expect((await cli(['connection', 'add', '--name', 'bad', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', quoted])).code).toBe(3);
    expect((await cli(['connection', 'add', '--name', 'bad', '--url', 'https://dev.azure.com/fabrikam', '--ssh-key-file', keyFile, '--ssh-key-passphrase-env', 'LEAK_NEW_PAT'], secretEnv)).code).toBe(3);
    expect((await cli(['connection', 'add', '--name', 'PROD', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--secret-header-file', `X-Proxy-Secret=${headerFile}`, '--json'])).code).toBe(5);
    expect((await cli(['connection', 'add', '--name', 'bad', '--url', 'https://dev.azure.com/fabrikam', '--pat-env', PAT])).code).toBe(3);
    expect((await cli(['connection', 'add', '--name', 'bad', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', PAT, '--json'])).code).toBe(3);
    expect((await cli(['connection', 'add', '--name', 'bad', '--url', 'https://dev.azure.com/fabrikam', '--pat-file', patFile, '--header', `X-Oops ${HEADER_SECRET}`])).code).toBe(2);

    // While the connections exist, with the SQLite WAL as the commands left it.
    const during = await scanDataDir();
    expect(during.scanned).toEqual(expect.arrayContaining(['azdo-connect.db']));

    expect((await cli(['secrets', 'rotate-key'])).code).toBe(0);
    await cli(['connection', 'test', 'prod', '--json']);
    for (const name of ['prod', 'onprem', 'robot', 'fresh']) await cli(['connection', 'remove', name, '--yes']);
    const after = await scanDataDir();

    // The mistakes above that put a secret on the command line are the user's; every other argument list is clean.
    const mistaken = new Set([PAT]);
    const given = runs.flatMap((r) => r.args.filter((a) => !mistaken.has(a) && !a.includes(HEADER_SECRET)));
    expect(leaksIn('arguments given', Buffer.from(given.join('\n')))).toEqual([]);

    const output = runs.flatMap(({ args, result }) => [
      ...leaksIn(`stdout of ${args.slice(0, 3).join(' ')}`, Buffer.from(result.stdout)),
      ...leaksIn(`stderr of ${args.slice(0, 3).join(' ')}`, Buffer.from(result.stderr)),
    ]);
    expect(output).toEqual([]);

    const sampled = runs.filter(({ args }) => !args.includes(PAT) && !args.some((a) => a.includes(HEADER_SECRET)));
    const argv = sampled.flatMap(({ args, result }) => result.cmdlines.flatMap((line) => leaksIn(`argv during ${args.slice(0, 3).join(' ')} (${line.slice(0, 40)})`, Buffer.from(line))));
    expect(argv).toEqual([]);
    // The sampling saw the CLI itself, and the ssh and git processes the doctor ran.
    const seen = runs.flatMap((r) => r.result.cmdlines);
    expect(seen.some((l) => l.includes('src/cli/main.ts'))).toBe(true);
    expect(seen.some((l) => /^ssh(-keyscan)? /.test(l))).toBe(true);

    expect(during.leaks).toEqual([]);
    expect(after.leaks).toEqual([]);
    // Read while commands ran: the write-ahead log and shared memory exist only then.
    expect([...filesSeenWhileRunning]).toEqual(expect.arrayContaining(['azdo-connect.db', 'azdo-connect.db-wal', 'azdo-connect.db-shm']));
    expect([...new Set(leaksWhileRunning)]).toEqual([]);
  });
});
