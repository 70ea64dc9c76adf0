// What stops working when a connection is removed, and what does not stop by itself: said the same way by the CLI's
// confirmation and the API's removal impact.
import type { ConnectionView } from './connection-view.js';

/** Both removers (CLI and service) also delete the connection's mirrors (repositories/connection-mirrors.ts). */
export function removalConsequence(view: ConnectionView): string {
  const reach = `Anything using connection '${view.name}' (${view.url}) will no longer reach Azure DevOps, and its mirrors are deleted`;
  switch (view.credential.type) {
    case 'pat':
      return `${reach}; the PAT itself stays valid in Azure DevOps until you revoke it there (User settings > Personal access tokens).`;
    case 'ssh':
      return `${reach}; the SSH public key stays registered in Azure DevOps until you delete it there (User settings > SSH public keys).`;
    case 'servicePrincipal':
      return `${reach}; the service principal and its client secret stay valid in Entra ID until you delete the secret there (App registrations > Certificates & secrets).`;
  }
}
