import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/web/api/types.js';
import { connectionUrl, emptyForm, formFromConnection, parseLabels, toChanges, toInput } from '../../src/web/pages/connections/form-state.js';

const stored: Connection = {
  id: 'c1',
  workspaceId: 'w1',
  name: 'onprem',
  description: '',
  labels: ['team-a'],
  kind: 'server',
  deployment: { kind: 'server', origin: 'https://tfs.contoso.com', virtualDirectory: '/tfs', collection: 'DefaultCollection' },
  url: 'https://tfs.contoso.com/tfs/DefaultCollection',
  credential: { type: 'pat', tokenFingerprint: '…abc123', expiresAt: '2026-03-14T00:00:00.000Z' },
  customHeaders: [
    { name: 'CF-Access-Client-Id', secret: false, value: 'id.access' },
    { name: 'CF-Access-Client-Secret', secret: true },
  ],
  tls: { caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
  ssh: {},
  status: { lastTest: 'never' },
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('the connection form', () => {
  it('builds a Server collection URL from the server address and the collection', () => {
    expect(connectionUrl({ ...emptyForm(), kind: 'server', serverUrl: 'https://tfs.contoso.com/tfs/', collection: 'Default Collection' })).toBe(
      'https://tfs.contoso.com/tfs/Default%20Collection',
    );
    expect(connectionUrl({ ...emptyForm(), kind: 'server', serverUrl: 'https://tfs.contoso.com/tfs/Coll', collection: '' })).toBe('https://tfs.contoso.com/tfs/Coll');
  });

  it('reads labels separated by commas, ignoring blanks', () => {
    expect(parseLabels(' team-a, ,prod ,')).toEqual(['team-a', 'prod']);
  });

  it('leaves empty optional fields out when adding, instead of sending null', () => {
    const input = toInput({ ...emptyForm(), name: ' prod ', organizationUrl: 'https://dev.azure.com/fabrikam', patToken: 'secret-pat' });
    expect(input).toEqual({
      name: 'prod',
      description: '',
      labels: [],
      url: 'https://dev.azure.com/fabrikam',
      kind: 'services',
      credential: { type: 'pat', token: 'secret-pat' },
      customHeaders: [],
    });
  });

  it('sends a generated key\'s private key, and an imported key with its passphrase', () => {
    const pair = { publicKey: 'ssh-rsa AAAA', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----', fingerprint: 'SHA256:x', bits: 4096, expiresAt: '2027-01-01T00:00:00.000Z' };
    const generated = toInput({ ...emptyForm(), credentialType: 'ssh', sshMode: 'generate', sshGenerated: pair });
    expect(generated.credential).toEqual({ type: 'ssh', privateKey: pair.privateKey });
    const imported = toInput({ ...emptyForm(), credentialType: 'ssh', sshMode: 'import', sshPrivateKey: 'KEY', sshPassphrase: 'pw', sshRegisteredAt: '2026-02-01' });
    expect(imported.credential).toEqual({ type: 'ssh', privateKey: 'KEY', passphrase: 'pw', registeredAt: '2026-02-01' });
  });

  it('fills an edit form without any secret and keeps stored secrets unless replaced', () => {
    const form = formFromConnection(stored);
    expect(form).toMatchObject({ kind: 'server', serverUrl: 'https://tfs.contoso.com/tfs', collection: 'DefaultCollection', patToken: '', patExpiresAt: '2026-03-14' });
    const changes = toChanges(form, stored);
    expect(changes.credential).toEqual({ type: 'pat', expiresAt: '2026-03-14' });
    expect(changes.customHeaders).toEqual([
      { name: 'CF-Access-Client-Id', value: 'id.access', secret: false },
      { name: 'CF-Access-Client-Secret', secret: true },
    ]);
    expect(changes.version).toBe(3);
    expect(JSON.stringify(changes)).not.toContain('undefined');

    const replaced = toChanges({ ...form, replaceSecret: true, patToken: 'new-pat' }, stored);
    expect(replaced.credential).toEqual({ type: 'pat', token: 'new-pat', expiresAt: '2026-03-14' });
  });

  it('clears on edit with null only what the stored connection had', () => {
    const form = { ...formFromConnection(stored), patExpiresAt: '', caBundle: '' };
    const changes = toChanges(form, stored);
    expect(changes.credential).toEqual({ type: 'pat', expiresAt: null });
    expect(changes.tls).toEqual({ caBundle: null });
    expect(changes.ssh).toBeUndefined();
  });

  it('sends a new secret when the credential type changes', () => {
    const form = { ...formFromConnection(stored), credentialType: 'ssh' as const, sshMode: 'import' as const, sshPrivateKey: 'KEY' };
    expect(toChanges(form, stored).credential).toEqual({ type: 'ssh', privateKey: 'KEY' });
  });
});
