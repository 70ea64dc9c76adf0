import type { Deployment } from '../azure/urls.js';
import type { Credential } from '../credentials/credential.js';

export interface CustomHeader { name: string; value: string; secret: boolean }

export interface Connection {
  id: string; workspaceId: string; name: string; description: string; labels: string[];
  kind: 'services' | 'server';
  deployment: Deployment;          // from parseAzureUrl/organizationUrl
  url: string;                     // canonical organization or collection URL
  credential: Credential;          // decrypted, in memory only
  customHeaders: CustomHeader[];
  tls: { caBundle?: string };      // PEM bundle for a Server with a private CA
  ssh: { port?: number; knownHosts?: string /* pinned OpenSSH known_hosts lines for Server or a non-Microsoft SSH host */ };
  status: { lastTestAt?: string; lastTestOk?: boolean; lastTestResult?: unknown; credentialExpiresAt?: string };
  version: number; createdAt: string; updatedAt: string;
}
