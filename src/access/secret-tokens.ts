// The random tokens of access control (sign-in links, sessions, API tokens) and how they are kept: 32 random bytes
// in base64url, stored only as SHA-256, compared in constant time where a token is compared rather than looked up.
import crypto, { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_BYTES = 32;

/** What every API token starts with: secret scanners and people can tell what it is. */
export const API_TOKEN_PREFIX = 'azdo_';

/** A fresh random token (43 characters of base64url after the prefix). */
export function newSecretToken(prefix = ''): string {
  return `${prefix}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

/** The SHA-256 (hex) under which a token is stored and looked up. */
export function hashSecretToken(token: string): string {
  // The one-shot form (every request of a script hashes its token) where Node has it: 20.12 and later.
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', token, 'hex') : createHash('sha256').update(token, 'utf8').digest('hex');
}

/** HMAC-SHA256 of `message` under `key`, base64url. */
export function hmacToken(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** Equal strings, in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so even the length of the expected value does not leak.
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
