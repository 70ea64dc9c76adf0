import { createHash, randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';

export type { JsonWebKey };

/** The simulated tenant's token-signing key. `kid` doubles as the `x5t` Entra puts next to it. */
export interface EntraSigningKey {
  kid: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

interface StoredKeyFile {
  kid: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
  createdAt: string;
}

/**
 * Entra's `kid`/`x5t` is the base64url SHA-1 thumbprint of the key's certificate (27 characters). We have no
 * certificate, so we hash the RFC 7638 canonical form of the public key instead: same alphabet and length,
 * stable for a given key.
 */
export function keyIdFor(publicJwk: JsonWebKey): string {
  if (typeof publicJwk.e !== 'string' || typeof publicJwk.n !== 'string') {
    throw new Error('an RSA public JWK needs "e" and "n"');
  }
  const canonical = JSON.stringify({ e: publicJwk.e, kty: 'RSA', n: publicJwk.n });
  return createHash('sha1').update(canonical).digest('base64url');
}

/** Makes a fresh RS256 key in memory; tests use it for "signed by someone else" and key rotation. */
export async function createSigningKey(): Promise<EntraSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const exportedPrivate = await exportJWK(privateKey);
  const exportedPublic = await exportJWK(publicKey);
  const publicJwk: JsonWebKey = { kty: 'RSA', n: exportedPublic.n, e: exportedPublic.e };
  const privateJwk: JsonWebKey = {
    kty: 'RSA',
    n: exportedPrivate.n,
    e: exportedPrivate.e,
    d: exportedPrivate.d,
    p: exportedPrivate.p,
    q: exportedPrivate.q,
    dp: exportedPrivate.dp,
    dq: exportedPrivate.dq,
    qi: exportedPrivate.qi,
  };
  return { kid: keyIdFor(publicJwk), privateJwk, publicJwk };
}

/**
 * Reads the signing key from `file`, creating it on first use, so that tokens handed out before a restart still
 * verify afterwards. A damaged file is an error rather than a reason to start over: silently replacing the key
 * would invalidate every token already out there and hide the cause.
 */
export async function loadOrCreateSigningKey(file: string): Promise<EntraSigningKey> {
  const existing = await readKeyFile(file);
  if (existing) return existing;

  const key = await createSigningKey();
  const stored: StoredKeyFile = { ...key, createdAt: new Date().toISOString() };
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = join(dirname(file), `.${randomBytes(8).toString('hex')}.entra-key.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(stored, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }

  try {
    // link() refuses to overwrite, so when two processes race to create the key exactly one wins and the
    // other adopts the winner's key instead of clobbering it (rename would let the last writer win).
    await link(temp, file);
    await unlink(temp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(temp);
      const winner = await readKeyFile(file);
      if (winner) return winner;
      throw new Error(`Entra signing key file ${file} vanished while being created`, { cause: error });
    }
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
      // Some file systems have no hard links; an atomic rename is the next best thing.
      await rename(temp, file);
    } else {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
  return key;
}

async function readKeyFile(file: string): Promise<EntraSigningKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`Entra signing key file ${file} is not valid JSON; delete it to create a new key`);
  }
  if (!isStoredKeyFile(parsed)) {
    throw new Error(`Entra signing key file ${file} does not hold an RSA key pair; delete it to create a new key`);
  }
  return { kid: parsed.kid, privateJwk: parsed.privateJwk, publicJwk: parsed.publicJwk };
}

function isStoredKeyFile(value: unknown): value is StoredKeyFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const isRsa = (jwk: unknown, needPrivate: boolean): boolean => {
    if (typeof jwk !== 'object' || jwk === null) return false;
    const j = jwk as Record<string, unknown>;
    return j.kty === 'RSA' && typeof j.n === 'string' && typeof j.e === 'string' && (!needPrivate || typeof j.d === 'string');
  };
  return typeof v.kid === 'string' && v.kid.length > 0 && isRsa(v.privateJwk, true) && isRsa(v.publicJwk, false);
}
