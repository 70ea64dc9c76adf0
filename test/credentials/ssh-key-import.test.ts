import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzdoError } from '../../src/errors/azdo-error.js';
import { importSshPrivateKey, SshKeyErrorCodes, validateSshPublicKey } from '../../src/credentials/ssh-keys.js';
import { rejection } from '../helpers/rejection.js';

const exec = promisify(execFile);
const PASSPHRASE = 'correct horse battery';

async function sshKeygen(args: string[]): Promise<string> {
  const { stdout } = await exec('ssh-keygen', args, { timeout: 30_000 });
  return stdout;
}

interface Made {
  file: string;
  text: string;
  /** The .pub line ssh-keygen wrote. */
  publicKey: string;
  /** `ssh-keygen -lf` of the .pub: "2048 SHA256:... comment (RSA)". */
  fingerprint: string;
}

let dir: string;
const keys: Record<string, Made> = {};

/** A key made by real ssh-keygen, with the given type, size, format and passphrase. */
async function make(name: string, o: { type?: string; bits?: number; format?: 'PEM' | 'PKCS8'; passphrase?: string }): Promise<void> {
  const file = path.join(dir, name);
  const args = ['-q', '-t', o.type ?? 'rsa', '-N', o.passphrase ?? '', '-C', `${name}@test`, '-f', file];
  if (o.bits) args.push('-b', String(o.bits));
  if (o.format) args.push('-m', o.format);
  await sshKeygen(args);
  const publicKey = (await readFile(`${file}.pub`, 'utf8')).trim();
  const fingerprint = (await sshKeygen(['-l', '-f', `${file}.pub`])).trim().split(' ')[1]!;
  keys[name] = { file, text: await readFile(file, 'utf8'), publicKey, fingerprint };
}


/** The base64 lines of a key: none of them may appear in an error. */
function bodyLines(text: string): string[] {
  return text.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));
}

function expectNoKeyMaterial(error: AzdoError, text: string): void {
  const everything = `${error.message}\n${error.hint}\n${JSON.stringify(error)}\n${String(error.stack)}`;
  for (const line of bodyLines(text)) expect(everything).not.toContain(line);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'azdo-ssh-import-'));
  await Promise.all([
    make('openssh', { bits: 2048 }),
    make('openssh_pass', { bits: 2048, passphrase: PASSPHRASE }),
    make('pem', { bits: 2048, format: 'PEM' }),
    make('pem_pass', { bits: 2048, format: 'PEM', passphrase: PASSPHRASE }),
    make('pkcs8', { bits: 2048, format: 'PKCS8' }),
    make('pkcs8_pass', { bits: 2048, format: 'PKCS8', passphrase: PASSPHRASE }),
    make('rsa3072', { bits: 3072 }),
    make('ed25519', { type: 'ed25519' }),
    make('ed25519_pass', { type: 'ed25519', passphrase: PASSPHRASE }),
    make('ecdsa', { type: 'ecdsa' }),
    make('ecdsa_pem', { type: 'ecdsa', format: 'PEM' }),
    make('rsa1024', { bits: 1024 }),
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('importSshPrivateKey: formats ssh-keygen writes', () => {
  it.each([
    ['OpenSSH', 'openssh', undefined, 'BEGIN OPENSSH PRIVATE KEY'],
    ['OpenSSH with a passphrase', 'openssh_pass', PASSPHRASE, 'BEGIN OPENSSH PRIVATE KEY'],
    ['PEM PKCS#1 (-m PEM)', 'pem', undefined, 'BEGIN RSA PRIVATE KEY'],
    ['PEM PKCS#1 with a passphrase (Proc-Type: 4,ENCRYPTED)', 'pem_pass', PASSPHRASE, 'Proc-Type: 4,ENCRYPTED'],
    ['PKCS#8 (-m PKCS8)', 'pkcs8', undefined, 'BEGIN PRIVATE KEY'],
    ['encrypted PKCS#8', 'pkcs8_pass', PASSPHRASE, 'BEGIN ENCRYPTED PRIVATE KEY'],
  ])('imports %s as an unencrypted OpenSSH key with the same public key and fingerprint', async (_name, key, passphrase, marker) => {
    const made = keys[key]!;
    expect(made.text).toContain(marker);
    const imported = await importSshPrivateKey(made.text, passphrase);
    expect(imported.fingerprint).toBe(made.fingerprint);
    expect(imported.bits).toBe(2048);
    expect(imported.publicKey.split(' ').slice(0, 2)).toEqual(made.publicKey.split(' ').slice(0, 2));
    expect(imported.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);

    // Real ssh-keygen reads what we produced, without a passphrase, and derives the same public key.
    const out = path.join(dir, `${key}.imported`);
    await writeFile(out, imported.privateKey, { mode: 0o600 });
    const derived = await sshKeygen(['-y', '-P', '', '-f', out]);
    expect(derived.trim().split(' ').slice(0, 2)).toEqual(made.publicKey.split(' ').slice(0, 2));
  });

  it('keeps the comment of an OpenSSH key', async () => {
    expect((await importSshPrivateKey(keys.openssh!.text)).publicKey).toBe(keys.openssh!.publicKey);
  });

  it('accepts larger RSA keys', async () => {
    const imported = await importSshPrivateKey(keys.rsa3072!.text);
    expect(imported.bits).toBe(3072);
    expect(imported.fingerprint).toBe(keys.rsa3072!.fingerprint);
  });

  it('ignores a passphrase given for a key that has none', async () => {
    expect((await importSshPrivateKey(keys.pem!.text, 'unneeded')).fingerprint).toBe(keys.pem!.fingerprint);
  });
});

describe('importSshPrivateKey: copy damage is repaired', () => {
  const variants: Array<[string, (text: string) => string]> = [
    ['CRLF line ends', (t) => t.replace(/\n/g, '\r\n')],
    ['indented lines', (t) => t.split('\n').map((l) => `    ${l}`).join('\n')],
    ['trailing spaces', (t) => t.split('\n').map((l) => `${l}  \t`).join('\n')],
    ['no final newline', (t) => t.trimEnd()],
    ['blank lines around and inside', (t) => `\n\n${t.replace(/\n/, '\n\n')}\n\n`],
    ['line breaks turned into spaces', (t) => t.replace(/\n/g, ' ')],
    ['\\n escapes from a JSON or .env value', (t) => t.trimEnd().replace(/\n/g, '\\n')],
    ['a shell prompt before and the public key after', (t) => `$ cat ~/.ssh/id_rsa\n${t}${keys.openssh!.publicKey}\n`],
    ['rewrapped at another width', (t) => {
      const lines = t.trim().split('\n');
      const headers = lines.filter((l) => /^[A-Za-z-]+: /.test(l));
      const body = lines.slice(1, -1).filter((l) => /^[A-Za-z0-9+/=]+$/.test(l)).join('');
      const head = headers.length > 0 ? `${headers.join('\n')}\n\n` : '';
      return `${lines[0]}\n${head}${body.replace(/(.{100})/g, '$1\n')}\n${lines.at(-1)}\n`;
    }],
  ];

  it.each(variants)('accepts an OpenSSH key with %s', async (_name, damage) => {
    expect((await importSshPrivateKey(damage(keys.openssh!.text))).fingerprint).toBe(keys.openssh!.fingerprint);
  });

  it.each(variants)('accepts an encrypted PEM key with %s', async (_name, damage) => {
    expect((await importSshPrivateKey(damage(keys.pem_pass!.text), PASSPHRASE)).fingerprint).toBe(keys.pem_pass!.fingerprint);
  });

  it('accepts a BOM', async () => {
    expect((await importSshPrivateKey(`\uFEFF${keys.pkcs8!.text}`)).fingerprint).toBe(keys.pkcs8!.fingerprint);
  });
});

describe('importSshPrivateKey: each mistake is explained', () => {
  it('refuses the .pub file pasted as the private key', async () => {
    const error = await rejection(importSshPrivateKey(keys.openssh!.publicKey));
    expect(error.code).toBe(SshKeyErrorCodes.IS_PUBLIC);
    expect(error.message).toContain('ssh-rsa AAAA...');
    expect(error.hint).toMatch(/without \.pub/);
  });

  it('refuses public keys in PEM and SSH2 formats', async () => {
    const pem = await sshKeygen(['-e', '-m', 'PKCS8', '-f', `${keys.openssh!.file}.pub`]);
    const ssh2 = await sshKeygen(['-e', '-f', `${keys.openssh!.file}.pub`]);
    expect((await rejection(importSshPrivateKey(pem))).message).toContain('-----BEGIN PUBLIC KEY-----');
    const e2 = await rejection(importSshPrivateKey(ssh2));
    expect(e2.code).toBe(SshKeyErrorCodes.IS_PUBLIC);
    expect(e2.message).toContain('---- BEGIN SSH2 PUBLIC KEY ----');
  });

  it('refuses an ed25519 public key line as public, not as the wrong type', async () => {
    expect((await rejection(importSshPrivateKey(keys.ed25519!.publicKey))).code).toBe(SshKeyErrorCodes.IS_PUBLIC);
  });

  it('names the missing header line when the first line was cut', async () => {
    const cut = keys.openssh!.text.split('\n').slice(1).join('\n');
    const error = await rejection(importSshPrivateKey(cut));
    expect(error.code).toBe(SshKeyErrorCodes.MISSING_HEADER);
    expect(error.message).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
    expectNoKeyMaterial(error, keys.openssh!.text);
  });

  it('names the missing footer line when the last line was cut', async () => {
    const cut = keys.pem!.text.trimEnd().split('\n').slice(0, -1).join('\n');
    const error = await rejection(importSshPrivateKey(cut));
    expect(error.code).toBe(SshKeyErrorCodes.MISSING_FOOTER);
    expect(error.message).toContain('-----END RSA PRIVATE KEY-----');
    expectNoKeyMaterial(error, keys.pem!.text);
  });

  it('reports a missing header when both first and last lines were cut', async () => {
    const cut = keys.openssh!.text.trimEnd().split('\n').slice(1, -1).join('\n');
    expect((await rejection(importSshPrivateKey(cut))).code).toBe(SshKeyErrorCodes.MISSING_HEADER);
  });

  it.each([
    ['ed25519', 'Ed25519'],
    ['ed25519_pass', 'Ed25519'],
    ['ecdsa', 'ECDSA'],
    ['ecdsa_pem', 'ECDSA'],
  ])('refuses the %s key: Azure DevOps accepts RSA only, naming the type found', async (key, typeName) => {
    const error = await rejection(importSshPrivateKey(keys[key]!.text));
    expect(error.code).toBe(SshKeyErrorCodes.NOT_RSA);
    expect(error.message).toContain(`an ${typeName}`);
    expect(error.message).toContain('Azure DevOps accepts RSA keys only');
    expect(error.hint).toContain('ssh-keygen -t rsa -b 4096');
  });

  it('refuses a 1024-bit RSA key as too short', async () => {
    const error = await rejection(importSshPrivateKey(keys.rsa1024!.text));
    expect(error.code).toBe(SshKeyErrorCodes.TOO_SHORT);
    expect(error.message).toContain('1024 bits');
  });

  it.each(['openssh_pass', 'pem_pass', 'pkcs8_pass'])('asks for the passphrase of %s when none or an empty one is given', async (key) => {
    expect((await rejection(importSshPrivateKey(keys[key]!.text))).code).toBe(SshKeyErrorCodes.PASSPHRASE_REQUIRED);
    expect((await rejection(importSshPrivateKey(keys[key]!.text, ''))).code).toBe(SshKeyErrorCodes.PASSPHRASE_REQUIRED);
  });

  it.each(['openssh_pass', 'pem_pass', 'pkcs8_pass'])('says the passphrase is wrong for %s, without repeating it', async (key) => {
    const error = await rejection(importSshPrivateKey(keys[key]!.text, 'Correct Horse Battery'));
    expect(error.code).toBe(SshKeyErrorCodes.PASSPHRASE_WRONG);
    expect(JSON.stringify(error) + error.message + error.hint).not.toContain('Correct Horse Battery');
  });

  it('explains a PuTTY .ppk key', async () => {
    const ppk = 'PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: rsa-key-20250101\nPublic-Lines: 6\nAAAAB3NzaC1yc2EAAAADAQABAAABAQC\n';
    const error = await rejection(importSshPrivateKey(ppk));
    expect(error.code).toBe(SshKeyErrorCodes.MALFORMED);
    expect(error.message).toContain('PuTTY');
    expect(error.hint).toContain('private-openssh');
  });

  it('says a key whose content was altered is damaged, without repeating it', async () => {
    const lines = keys.openssh!.text.split('\n');
    lines[3] = `${lines[3]!.slice(0, 10)}!${lines[3]!.slice(11)}`;
    const error = await rejection(importSshPrivateKey(lines.join('\n')));
    expect(error.code).toBe(SshKeyErrorCodes.MALFORMED);
    expectNoKeyMaterial(error, keys.openssh!.text);
  });

  it('says a key missing lines from its middle is damaged', async () => {
    for (const key of ['openssh', 'pem', 'pkcs8']) {
      const lines = keys[key]!.text.split('\n');
      lines.splice(5, 4);
      const error = await rejection(importSshPrivateKey(lines.join('\n')));
      expect(error.code).toBe(SshKeyErrorCodes.MALFORMED);
    }
  });

  it('refuses empty input, text that is not a key, two keys, and mismatched lines', async () => {
    expect((await rejection(importSshPrivateKey('  \n'))).message).toMatch(/empty/);
    expect((await rejection(importSshPrivateKey('hello world'))).code).toBe(SshKeyErrorCodes.MALFORMED);
    expect((await rejection(importSshPrivateKey(keys.openssh!.text + keys.pem!.text))).message).toMatch(/more than one/);
    const mismatched = keys.pem!.text.replace('END RSA PRIVATE KEY', 'END OPENSSH PRIVATE KEY');
    expect((await rejection(importSshPrivateKey(mismatched))).code).toBe(SshKeyErrorCodes.MALFORMED);
  });
});

describe('validateSshPublicKey', () => {
  it('accepts the .pub line and reports the fingerprint ssh-keygen prints', () => {
    const info = validateSshPublicKey(`${keys.openssh!.publicKey}\r\n`);
    expect(info).toEqual({ publicKey: keys.openssh!.publicKey, fingerprint: keys.openssh!.fingerprint, bits: 2048 });
  });

  it('joins a line a terminal wrapped and collapses stray spaces', () => {
    const [type, blob, comment] = keys.rsa3072!.publicKey.split(' ');
    const wrapped = `  ${type}   ${blob!.slice(0, 120)}\n${blob!.slice(120, 300)}\n${blob!.slice(300)}  ${comment}\n`;
    expect(validateSshPublicKey(wrapped).publicKey).toBe(keys.rsa3072!.publicKey);
  });

  it('refuses a private key pasted where the public key goes, without repeating it', () => {
    const text = keys.openssh!.text;
    try {
      validateSshPublicKey(text);
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as AzdoError).code).toBe(SshKeyErrorCodes.IS_PRIVATE);
      expectNoKeyMaterial(error as AzdoError, text);
    }
  });

  it.each([
    ['an ed25519 key', () => keys.ed25519!.publicKey, SshKeyErrorCodes.NOT_RSA],
    ['an ECDSA key', () => keys.ecdsa!.publicKey, SshKeyErrorCodes.NOT_RSA],
    ['a 1024-bit key', () => keys.rsa1024!.publicKey, SshKeyErrorCodes.TOO_SHORT],
    ['a truncated key', () => keys.openssh!.publicKey.slice(0, 200), SshKeyErrorCodes.MALFORMED],
    ['a key of another type under an ssh-rsa label', () => `ssh-rsa ${keys.ed25519!.publicKey.split(' ')[1]}`, SshKeyErrorCodes.MALFORMED],
    ['text that is no key', () => 'my laptop key', SshKeyErrorCodes.MALFORMED],
    ['an empty line', () => '', SshKeyErrorCodes.MALFORMED],
  ])('refuses %s', (_name, line, code) => {
    expect(() => validateSshPublicKey(line())).toThrow(expect.objectContaining({ code }));
  });
});
