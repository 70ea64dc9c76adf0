import { patFingerprint } from './pat.js';

/** A personal access token, sent as the password of HTTP Basic (FACTS §3.1). */
export interface PatCredential {
  type: 'pat';
  token: string;
  /** ISO 8601; Azure DevOps cannot be asked for it with the PAT itself (FACTS §3.1), so the user tells us. */
  expiresAt?: string;
}

/** An SSH key pair whose public key the user registered in Azure DevOps (User settings > SSH public keys). */
export interface SshCredential {
  type: 'ssh';
  /** OpenSSH format, unencrypted in memory; the vault encrypts it at rest. */
  privateKey: string;
  /** `ssh-rsa AAAA... comment`, the line to paste into Azure DevOps. */
  publicKey: string;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** ISO 8601: when the public key was registered in Azure DevOps. */
  registeredAt?: string;
  /** ISO 8601: registered + 1 year, when Azure DevOps stops accepting the key (FACTS §6). */
  expiresAt?: string;
}

/** An Entra ID application (client credentials grant). Azure DevOps Services only (ENTRA §2.8). */
export interface ServicePrincipalCredential {
  type: 'servicePrincipal';
  /** A GUID or a verified domain such as contoso.onmicrosoft.com. */
  tenantId: string;
  /** The application (client) id, a GUID. */
  clientId: string;
  /** The secret's value (not its id). */
  clientSecret: string;
  /** Default https://login.microsoftonline.com; sovereign clouds and tests name another. */
  authority?: string;
}

export type Credential = PatCredential | SshCredential | ServicePrincipalCredential;
export type CredentialType = Credential['type'];

/** What may be listed, shown, logged and stored in plain columns: a credential minus its secrets. */
export type PublicCredential =
  | { type: 'pat'; tokenFingerprint: string; expiresAt?: string }
  | Omit<SshCredential, 'privateKey'>
  | Omit<ServicePrincipalCredential, 'clientSecret'>;

/** Only the secret fields, which the vault encrypts. */
export type SecretCredential =
  | { type: 'pat'; token: string }
  | { type: 'ssh'; privateKey: string }
  | { type: 'servicePrincipal'; clientSecret: string };

/** The credential without its secrets. Every field is copied by name, so a field added later stays out until chosen. */
export function publicPart(credential: Credential): PublicCredential {
  switch (credential.type) {
    case 'pat':
      return {
        type: 'pat',
        tokenFingerprint: patFingerprint(credential.token),
        ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
      };
    case 'ssh':
      return {
        type: 'ssh',
        publicKey: credential.publicKey,
        fingerprint: credential.fingerprint,
        ...(credential.registeredAt !== undefined ? { registeredAt: credential.registeredAt } : {}),
        ...(credential.expiresAt !== undefined ? { expiresAt: credential.expiresAt } : {}),
      };
    case 'servicePrincipal':
      return {
        type: 'servicePrincipal',
        tenantId: credential.tenantId,
        clientId: credential.clientId,
        ...(credential.authority !== undefined ? { authority: credential.authority } : {}),
      };
  }
}

export function secretPart(credential: Credential): SecretCredential {
  switch (credential.type) {
    case 'pat':
      return { type: 'pat', token: credential.token };
    case 'ssh':
      return { type: 'ssh', privateKey: credential.privateKey };
    case 'servicePrincipal':
      return { type: 'servicePrincipal', clientSecret: credential.clientSecret };
  }
}

/** Puts a credential back together from what the store and the vault each kept. */
export function joinCredential(pub: PublicCredential, secret: SecretCredential): Credential {
  if (pub.type !== secret.type) throw new TypeError(`cannot join a ${pub.type} public part with a ${secret.type} secret part`);
  switch (pub.type) {
    case 'pat':
      return { type: 'pat', token: (secret as { token: string }).token, ...(pub.expiresAt !== undefined ? { expiresAt: pub.expiresAt } : {}) };
    case 'ssh':
      return { ...pub, privateKey: (secret as { privateKey: string }).privateKey };
    case 'servicePrincipal':
      return { ...pub, clientSecret: (secret as { clientSecret: string }).clientSecret };
  }
}

/**
 * When the credential stops working, if known: the connection status shows it and the doctor warns before it
 * happens. Service principals return undefined: their secrets' expiry lives in Entra, and a lapsed one is
 * reported as AZDO_SP_SECRET_EXPIRED.
 */
export function credentialExpiresAt(credential: Credential | PublicCredential): string | undefined {
  return credential.type === 'servicePrincipal' ? undefined : credential.expiresAt;
}
