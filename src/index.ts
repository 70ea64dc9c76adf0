// The azdo-connect library: what products import to speak Azure DevOps.
export * from './azure/urls.js';
export { AzdoError } from './errors/azdo-error.js';
export * from './azure/client/index.js';
export * from './azure/endpoints.js';
export type { Connection, CustomHeader } from './connections/connection.js';
export { ConnectionService } from './connections/connection-service.js';
export { openConnectionService } from './connections/open-connection-service.js';
export * from './connections/doctor/index.js';
export * from './credentials/credential.js';
export { normalizePat, patFingerprint } from './credentials/pat.js';
export { generateSshKeyPair, importSshPrivateKey, validateSshPublicKey, writePrivateKeyFile, sshKeyExpiry } from './credentials/ssh-keys.js';
export { ServicePrincipalTokenSource, validateServicePrincipalInput } from './credentials/service-principal.js';
export { Vault } from './credentials/vault.js';
export { openStore } from './store/index.js';
