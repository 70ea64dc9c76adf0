import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import sshpk from 'sshpk';
import { AzdoError } from '../errors/azdo-error.js';
import { readOpenSshKeyHeader, SshWireReader } from './openssh-key-header.js';
import { MIN_RSA_BITS, SshKeyErrorCodes, SshKeyErrors, sshKeyTypeName } from './ssh-key-errors.js';
import { findOpenSshPublicKeyType, normalizeKeyText, readArmoredPrivateKey, type ArmoredKey } from './ssh-key-text.js';

export { MIN_RSA_BITS, SshKeyErrorCodes } from './ssh-key-errors.js';

/** A key pair ready to store: the private key in OpenSSH format, unencrypted (the vault encrypts it at rest). */
export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` ... */
  privateKey: string;
  /** `ssh-rsa AAAA... comment`: the line to paste into Azure DevOps (User settings > SSH public keys). */
  publicKey: string;
  /** `SHA256:...`, exactly as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  bits: number;
}

export interface SshPublicKeyInfo {
  /** Normalised to `ssh-rsa AAAA...[ comment]`. */
  publicKey: string;
  fingerprint: string;
  bits: number;
}

/** 4096 bits: Azure DevOps' own instructions use it, and it leaves room as 2048 ages. */
export const GENERATED_KEY_BITS = 4096;
export const DEFAULT_KEY_COMMENT = 'azdo-connect';
/** How long Azure DevOps keeps accepting a registered public key (FACTS §6). */
const KEY_LIFETIME_MS = 365 * 86_400_000;

const generateKeyPairAsync = promisify(generateKeyPair);

/** A comment must stay one word-ish line: a newline would split the public key line Azure DevOps parses. */
function cleanComment(comment: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (comment ?? '').replace(/[\x00-\x1f\x7f\s]+/g, ' ').trim();
}

/** Takes a public `Key` only: a PrivateKey's `rfc4253` buffer is the ssh-agent form, private parts included. */
function publicLine(key: sshpk.Key, comment: string): string {
  const blob = key.toBuffer('rfc4253', {}).toString('base64');
  return comment ? `ssh-rsa ${blob} ${comment}` : `ssh-rsa ${blob}`;
}

function toKeyPair(key: sshpk.PrivateKey, comment: string): SshKeyPair {
  // sshpk fills in "(unnamed)" for keys without a comment; keep what the user had instead.
  key.comment = comment;
  return {
    privateKey: key.toString('openssh'),
    publicKey: publicLine(key.toPublic(), comment),
    fingerprint: key.fingerprint('sha256').toString(),
    bits: key.size,
  };
}

/** Converts an RSA key node:crypto decoded (PEM PKCS#1 or PKCS#8) to sshpk, which writes the OpenSSH format. */
function fromKeyObject(keyObject: KeyObject): sshpk.PrivateKey {
  const pem = keyObject.export({ type: 'pkcs1', format: 'pem' });
  return sshpk.parsePrivateKey(pem, 'pkcs1');
}

/** Generates an RSA 4096 key pair; node:crypto does the work off the main thread (about 1 to 3 s). */
export async function generateSshKeyPair(o: { comment?: string } = {}): Promise<SshKeyPair> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: GENERATED_KEY_BITS, publicExponent: 0x10001 });
  return toKeyPair(fromKeyObject(privateKey), cleanComment(o.comment ?? DEFAULT_KEY_COMMENT));
}

/**
 * Writes a private key to a new file only the user can read (0600, as ssh demands), once: an existing file is never
 * overwritten, since it may be the only copy of another key. A failed write leaves no partial file behind.
 */
export async function writePrivateKeyFile(path: string, privateKey: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new AzdoError(
        SshKeyErrorCodes.FILE_EXISTS,
        `The file ${path} already exists; it was left untouched.`,
        'Choose another file name, or move the existing file away first if you are sure it is no longer needed.',
        { path },
      );
    }
    throw unwritable(path, code);
  }
  try {
    await handle.writeFile(privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, 'utf8');
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw unwritable(path, (error as NodeJS.ErrnoException).code);
  }
}

function unwritable(path: string, code: string | undefined): AzdoError {
  const reasons: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    ENOTDIR: 'a part of its folder path is a file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
  };
  const reason = (code && reasons[code]) ?? `error ${code ?? 'unknown'}`;
  return new AzdoError(
    SshKeyErrorCodes.FILE_UNWRITABLE,
    `The private key could not be written to ${path}: ${reason}.`,
    'Choose a file in an existing folder you can write to, for example ~/.ssh/azdo_rsa.',
    { path, ...(code ? { errno: code } : {}) },
  );
}

function checkRsaSize(bits: number): void {
  if (bits < MIN_RSA_BITS) throw SshKeyErrors.tooShort(bits);
}

async function importOpenSsh(armored: ArmoredKey, passphrase: string | undefined): Promise<SshKeyPair> {
  const header = readOpenSshKeyHeader(armored.der);
  if (!header) throw SshKeyErrors.malformed('The OpenSSH private key is damaged: its content is not an OpenSSH key.');
  if (header.keyType !== 'ssh-rsa') throw SshKeyErrors.notRsa(sshKeyTypeName(header.keyType));
  checkRsaSize(rsaBits(header.publicKeyBlob));
  const encrypted = header.cipher !== 'none';
  if (encrypted && !passphrase) throw SshKeyErrors.passphraseRequired();
  let key: sshpk.PrivateKey;
  try {
    key = sshpk.parsePrivateKey(armored.pem, 'ssh-private', encrypted ? { passphrase } : {});
  } catch (error) {
    if (encrypted && /passphrase/i.test((error as Error).message)) throw SshKeyErrors.passphraseWrong();
    throw SshKeyErrors.malformed(
      encrypted && /unsupported|cipher/i.test((error as Error).message)
        ? `The private key is encrypted with a cipher azdo-connect cannot read (${header.cipher}).`
        : 'The OpenSSH private key is damaged and cannot be read.',
      encrypted
        ? 'Re-encrypt it with a current OpenSSH: `ssh-keygen -p -f <key file>`, then paste it again.'
        : undefined,
    );
  }
  return toKeyPair(key, cleanComment(key.comment === '(unnamed)' ? '' : key.comment));
}

/** PEM keys node:crypto (OpenSSL) reads: PKCS#1 (`RSA PRIVATE KEY`, legacy-encrypted too) and PKCS#8. */
function importPem(armored: ArmoredKey, passphrase: string | undefined): SshKeyPair {
  const encrypted = armored.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/i.test(armored.headers['Proc-Type'] ?? '');
  if (encrypted && !passphrase) throw SshKeyErrors.passphraseRequired();
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: armored.pem, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch {
    // With a passphrase, any failure is the passphrase: a wrong one yields garbage that fails to decode anyway.
    if (encrypted) throw SshKeyErrors.passphraseWrong();
    throw SshKeyErrors.malformed('The private key is damaged and cannot be read.');
  }
  const type = keyObject.asymmetricKeyType;
  if (type !== 'rsa') throw SshKeyErrors.notRsa(nodeKeyTypeName(type));
  checkRsaSize(keyObject.asymmetricKeyDetails?.modulusLength ?? 0);
  return toKeyPair(fromKeyObject(keyObject), '');
}

function nodeKeyTypeName(type: string | undefined): string {
  const names: Record<string, string> = { ec: 'ECDSA', ed25519: 'Ed25519', ed448: 'Ed448', dsa: 'DSA', 'rsa-pss': 'RSA-PSS', x25519: 'X25519', x448: 'X448', dh: 'Diffie-Hellman' };
  return (type && names[type]) ?? `"${type ?? 'unknown'}"`;
}

/** Bits of the modulus in an `ssh-rsa` wire-format public key. */
function rsaBits(blob: Buffer): number {
  const r = new SshWireReader(blob);
  r.string();
  r.bytes();
  const n = r.bytes();
  let i = 0;
  while (i < n.length && n[i] === 0) i += 1;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

/**
 * Imports a private key the user pastes or loads, in OpenSSH, PEM (PKCS#1, also legacy-encrypted) or PKCS#8
 * (also encrypted) format, and returns it as an unencrypted OpenSSH key with its public key and fingerprint.
 * Copy damage (CRLF, indentation, trailing spaces, missing final newline) is repaired; every other mistake is
 * explained by its own AZDO_SSH_KEY_* error. The passphrase is used once and not kept.
 */
export async function importSshPrivateKey(text: string, passphrase?: string): Promise<SshKeyPair> {
  const armored = readArmoredPrivateKey(text);
  switch (armored.label) {
    case 'OPENSSH PRIVATE KEY':
      return importOpenSsh(armored, passphrase);
    case 'RSA PRIVATE KEY':
    case 'PRIVATE KEY':
    case 'ENCRYPTED PRIVATE KEY':
      return importPem(armored, passphrase);
    case 'EC PRIVATE KEY':
      throw SshKeyErrors.notRsa('ECDSA');
    case 'DSA PRIVATE KEY':
      throw SshKeyErrors.notRsa('DSA');
    case 'SSH2 ENCRYPTED PRIVATE KEY':
      throw SshKeyErrors.malformed(
        'This is an ssh.com (SSH2) private key, which azdo-connect cannot read.',
        'Convert it to OpenSSH format with `ssh-keygen -i -f <key file> > id_rsa` and paste that.',
      );
    default:
      throw SshKeyErrors.malformed(`A "${armored.label}" block is not a private key format azdo-connect reads.`);
  }
}

/**
 * Checks a public key line the user says is registered in Azure DevOps and normalises it. A line that a terminal
 * wrapped is joined back; a private key pasted here is refused without being repeated.
 */
export function validateSshPublicKey(line: string): SshPublicKeyInfo {
  const text = normalizeKeyText(line);
  if (text === '') throw SshKeyErrors.malformed('The public key is empty.', 'Paste the content of the .pub file: one line starting with ssh-rsa AAAA.');
  if (/-{4,5}\s*(BEGIN|END)\s+[A-Z0-9 ]*PRIVATE KEY/.test(text)) throw SshKeyErrors.isPrivate();
  const type = findOpenSshPublicKeyType(text);
  if (!type) {
    const pem = /-{4,5}\s*BEGIN\s+([A-Z0-9 ]*PUBLIC KEY)/.exec(text);
    throw SshKeyErrors.malformed(
      pem ? `This public key is in ${pem[1]} format; Azure DevOps takes the one-line OpenSSH format.` : 'This is not an SSH public key.',
      'Paste the content of the .pub file (one line starting with ssh-rsa AAAA), or print it from the private key with `ssh-keygen -y -f <key file>`.',
    );
  }
  if (type.includes('-cert-')) {
    throw SshKeyErrors.malformed('This is an SSH certificate, not a public key.', 'Paste the public key from the .pub file, which starts with ssh-rsa AAAA.');
  }
  if (type !== 'ssh-rsa') throw SshKeyErrors.notRsa(sshKeyTypeName(type));

  const tokens = text.slice(text.indexOf(type)).split(/\s+/);
  // Join base64 pieces until they form a complete key: a wrapped line arrives as several tokens.
  for (let count = 1; count < tokens.length; count += 1) {
    const base64 = tokens.slice(1, count + 1).join('');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) break;
    const blob = Buffer.from(base64, 'base64');
    if (!isCompleteRsaBlob(blob)) continue;
    const bits = rsaBits(blob);
    checkRsaSize(bits);
    const key = sshpk.parseKey(blob, 'rfc4253');
    const comment = cleanComment(tokens.slice(count + 1).join(' '));
    return { publicKey: publicLine(key, comment), fingerprint: key.fingerprint('sha256').toString(), bits };
  }
  throw SshKeyErrors.malformed(
    'The public key is damaged: its base64 part is incomplete or altered.',
    'Copy the whole line of the .pub file again, or print it from the private key with `ssh-keygen -y -f <key file>`.',
  );
}

function isCompleteRsaBlob(blob: Buffer): boolean {
  try {
    const r = new SshWireReader(blob);
    if (r.string() !== 'ssh-rsa') return false;
    r.bytes();
    r.bytes();
    return r.atEnd;
  } catch {
    return false;
  }
}

/**
 * When Azure DevOps stops accepting a key registered at `registeredAt` (FACTS §6: one year). 365 days rather than
 * a calendar year: in a leap year that is a day early, and a reminder a day early is harmless while a day late is not.
 */
export function sshKeyExpiry(registeredAt: string | Date): string {
  const time = registeredAt instanceof Date ? registeredAt.getTime() : Date.parse(registeredAt);
  if (!Number.isFinite(time)) {
    throw new AzdoError(
      SshKeyErrorCodes.DATE_INVALID,
      'The date the SSH key was registered is not a valid date.',
      'Give the date as shown in Azure DevOps (User settings > SSH public keys), for example 2025-03-14.',
    );
  }
  return new Date(time + KEY_LIFETIME_MS).toISOString();
}
