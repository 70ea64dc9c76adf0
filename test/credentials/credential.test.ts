import { describe, expect, it } from 'vitest';
import {
  credentialExpiresAt,
  joinCredential,
  publicPart,
  secretPart,
  type Credential,
} from '../../src/credentials/credential.js';
import { patFingerprint } from '../../src/credentials/pat.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst';
const PRIVATE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';
const CLIENT_SECRET = 'Xy7~8Q~abcdefghijklmnopqrstuvwxyz012345';

const credentials: Record<Credential['type'], Credential> = {
  pat: { type: 'pat', token: TOKEN, expiresAt: '2026-01-31T00:00:00.000Z' },
  ssh: {
    type: 'ssh',
    privateKey: PRIVATE_KEY,
    publicKey: 'ssh-rsa AAAAB3NzaC1yc2E azdo-connect',
    fingerprint: 'SHA256:abc',
    registeredAt: '2025-02-01T00:00:00.000Z',
    expiresAt: '2026-02-01T00:00:00.000Z',
  },
  servicePrincipal: {
    type: 'servicePrincipal',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    clientId: '0d50963b-7bb9-4fe7-94c7-a99af00b5136',
    clientSecret: CLIENT_SECRET,
    authority: 'http://127.0.0.1:1234',
  },
};
const secrets = { pat: TOKEN, ssh: PRIVATE_KEY, servicePrincipal: CLIENT_SECRET };

describe('publicPart and secretPart', () => {
  it.each(Object.keys(credentials) as Credential['type'][])('split a %s credential so the public part holds no secret', (type) => {
    const credential = credentials[type];
    const pub = publicPart(credential);
    expect(JSON.stringify(pub)).not.toContain(secrets[type]);
    expect(JSON.stringify(secretPart(credential))).toContain(JSON.stringify(secrets[type]).slice(1, -1));
    expect(joinCredential(pub, secretPart(credential))).toEqual(credential);
  });

  it('shows a PAT by its fingerprint and expiry', () => {
    expect(publicPart(credentials.pat)).toEqual({ type: 'pat', tokenFingerprint: patFingerprint(TOKEN), expiresAt: '2026-01-31T00:00:00.000Z' });
  });

  it('keeps what an SSH key and a service principal show', () => {
    expect(publicPart(credentials.ssh)).toEqual({
      type: 'ssh',
      publicKey: 'ssh-rsa AAAAB3NzaC1yc2E azdo-connect',
      fingerprint: 'SHA256:abc',
      registeredAt: '2025-02-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
    });
    expect(publicPart(credentials.servicePrincipal)).toEqual({
      type: 'servicePrincipal',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      clientId: '0d50963b-7bb9-4fe7-94c7-a99af00b5136',
      authority: 'http://127.0.0.1:1234',
    });
  });

  it('leaves out fields a future credential type might add', () => {
    const withExtra = { ...credentials.pat, extraSecret: 'hunter2' } as unknown as Credential;
    expect(JSON.stringify(publicPart(withExtra))).not.toContain('hunter2');
  });

  it('refuses to join parts of different types', () => {
    expect(() => joinCredential(publicPart(credentials.pat), secretPart(credentials.ssh))).toThrow(/cannot join/);
  });
});

describe('credentialExpiresAt', () => {
  it('reports PAT and SSH key expiry, and none for a service principal', () => {
    expect(credentialExpiresAt(credentials.pat)).toBe('2026-01-31T00:00:00.000Z');
    expect(credentialExpiresAt(publicPart(credentials.ssh))).toBe('2026-02-01T00:00:00.000Z');
    expect(credentialExpiresAt(credentials.servicePrincipal)).toBeUndefined();
    expect(credentialExpiresAt({ type: 'pat', token: TOKEN })).toBeUndefined();
  });
});
