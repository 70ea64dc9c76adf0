// An edit as a whole new input: the current connection with the changes laid over it, so it is validated exactly
// like a new connection, and whatever the changes leave out (secrets included) stays as it is.
import type { Credential } from '../credentials/credential.js';
import type { Connection } from './connection.js';
import type { ConnectionChanges, ConnectionInput, CredentialInput, CustomHeaderInput } from './connection-input.js';

/** What the credential input becomes when an edit leaves parts of it out: the stored values for those parts. */
function mergeCredential(current: Credential, change: CredentialInput | undefined): CredentialInput {
  if (change === undefined || change.type !== current.type) {
    if (change !== undefined) return change;
    switch (current.type) {
      case 'pat':
        return { type: 'pat', token: current.token, expiresAt: current.expiresAt ?? null };
      case 'ssh':
        return { type: 'ssh', privateKey: current.privateKey, registeredAt: current.registeredAt ?? null };
      case 'servicePrincipal':
        return { ...current };
    }
  }
  switch (change.type) {
    case 'pat': {
      const stored = current as Extract<Credential, { type: 'pat' }>;
      return {
        type: 'pat',
        token: change.token ?? stored.token,
        expiresAt: change.expiresAt === undefined ? (stored.expiresAt ?? null) : change.expiresAt,
      };
    }
    case 'ssh': {
      const stored = current as Extract<Credential, { type: 'ssh' }>;
      return {
        type: 'ssh',
        privateKey: change.privateKey ?? stored.privateKey,
        ...(change.privateKey !== undefined && change.passphrase !== undefined ? { passphrase: change.passphrase } : {}),
        registeredAt: change.registeredAt === undefined ? (stored.registeredAt ?? null) : change.registeredAt,
      };
    }
    case 'servicePrincipal': {
      const stored = current as Extract<Credential, { type: 'servicePrincipal' }>;
      return {
        type: 'servicePrincipal',
        tenantId: change.tenantId ?? stored.tenantId,
        clientId: change.clientId ?? stored.clientId,
        clientSecret: change.clientSecret ?? stored.clientSecret,
        authority: change.authority === undefined ? (stored.authority ?? null) : change.authority,
      };
    }
  }
}

/**
 * The full input an edit amounts to: the current connection with the changes laid over it. Whatever the changes
 * leave out stays as it is, secrets included; the result is validated as a whole, like a new connection.
 */
export function mergeChanges(current: Connection, changes: ConnectionChanges): ConnectionInput {
  const urlChanged = changes.url !== undefined;
  const headers = changes.customHeaders?.map((h): CustomHeaderInput => {
    if (h.value !== undefined || !h.secret) return h;
    const stored = current.customHeaders.find((c) => c.secret && c.name.toLowerCase() === h.name.trim().toLowerCase());
    return stored ? { ...h, value: stored.value } : h;
  });
  const pick = <T>(change: T | null | undefined, stored: T | undefined): T | null =>
    change === undefined ? (stored ?? null) : change;
  return {
    name: changes.name ?? current.name,
    description: changes.description ?? current.description,
    labels: changes.labels ?? current.labels,
    url: changes.url ?? current.url,
    ...(changes.kind !== undefined ? { kind: changes.kind } : urlChanged ? {} : { kind: current.kind }),
    credential: mergeCredential(current.credential, changes.credential),
    customHeaders: headers ?? current.customHeaders,
    tls: { caBundle: pick(changes.tls?.caBundle, current.tls.caBundle) },
    ssh: { port: pick(changes.ssh?.port, current.ssh.port), knownHosts: pick(changes.ssh?.knownHosts, current.ssh.knownHosts) },
  };
}
