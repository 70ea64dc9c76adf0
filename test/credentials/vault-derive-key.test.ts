import { describe, expect, it } from 'vitest';
import { Vault, generateSecretKey } from '../../src/credentials/vault.js';

describe('Vault.deriveKey', () => {
  it('derives the same 32-byte key from the same secret key, so instances and restarts agree', () => {
    const key = generateSecretKey();
    const a = Vault.fromKey(key).deriveKey('csrf');
    const b = Vault.fromKey(key).deriveKey('csrf');
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(true);
  });

  it('derives unrelated keys for different purposes and different secret keys, never the secret key itself', () => {
    const key = generateSecretKey();
    const vault = Vault.fromKey(key);
    const csrf = vault.deriveKey('csrf');
    expect(csrf.equals(vault.deriveKey('other'))).toBe(false);
    expect(csrf.equals(Vault.fromKey(generateSecretKey()).deriveKey('csrf'))).toBe(false);
    expect(csrf.equals(Buffer.from(key, 'base64'))).toBe(false);
  });

  it('refuses an empty purpose', () => {
    expect(() => Vault.fromKey(generateSecretKey()).deriveKey('')).toThrow(/purpose/);
  });
});
