import { generateKeyPair, type JsonWebKey } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const generateRsa = promisify(generateKeyPair);

export interface SeedSshKey {
  privateKeyPath: string;
  /** `ssh-rsa AAAA... comment`, as ~/.ssh/id_rsa.pub holds it. */
  publicKey: string;
}

/**
 * An RSA key pair for a seeded user. The private key is PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"), which `ssh -i`
 * reads, written 0600 or OpenSSH refuses it. 3072 bits like ssh-keygen's default; the async keygen runs on the
 * libuv pool, so keys for several users are made in parallel while git builds the repositories.
 */
export async function createSeedSshKey(keysDir: string, userName: string, modulusLength = 2048): Promise<SeedSshKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength, publicExponent: 0x10001 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const blob = sshRsaPublicBlob(publicKey.export({ format: 'jwk' }));
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const privateKeyPath = path.join(keysDir, `id_rsa_${userName.replace(/[^A-Za-z0-9._-]/g, '_')}`);
  await writeFile(privateKeyPath, pem, { mode: 0o600 });
  const openSshLine = `ssh-rsa ${blob.toString('base64')} ${userName}`;
  await writeFile(`${privateKeyPath}.pub`, `${openSshLine}\n`, { mode: 0o644 });
  return { privateKeyPath, publicKey: openSshLine };
}

/** The SSH wire form of an RSA public key (RFC 4253 §6.6): string "ssh-rsa", mpint e, mpint n. */
export function sshRsaPublicBlob(jwk: JsonWebKey): Buffer {
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('not an RSA public key');
  return Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshString(mpint(Buffer.from(jwk.e, 'base64url'))), sshString(mpint(Buffer.from(jwk.n, 'base64url')))]);
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** Unsigned big-endian to SSH mpint: no leading zeros, but one zero byte when the top bit is set (it is positive). */
function mpint(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = bytes.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}
