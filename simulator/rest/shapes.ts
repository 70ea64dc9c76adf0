import type { AdoRequest } from '../http/ado-request.js';
import type { Host, Project, SimulatorState } from '../state/model.js';

/** The JSON shapes several areas share: project references and identity references, built on the called URL. */

export function projectUrl(ado: AdoRequest, project: Project): string {
  return `${ado.baseUrl}/_apis/projects/${project.id}`;
}

export function projectReference(ado: AdoRequest, project: Project): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    ...(project.description ? { description: project.description } : {}),
    url: projectUrl(ado, project),
    state: project.state,
    revision: project.revision,
    visibility: project.visibility,
    lastUpdateTime: project.lastUpdateTime,
  };
}

export function descriptorOf(id: string, kind: 'aad' | 'aadsp' = 'aad'): string {
  return `${kind}.${Buffer.from(id).toString('base64url')}`;
}

/** IdentityRef for a user or service principal id; unknown ids still render, as deleted identities do. */
export function identityReference(state: SimulatorState, ado: Pick<AdoRequest, 'baseUrl' | 'origin' | 'host'>, id: string): Record<string, unknown> {
  const user = state.users.find((u) => u.id === id);
  const principal = user ? undefined : state.servicePrincipals.find((p) => p.id === id);
  const displayName = user?.displayName ?? principal?.displayName ?? 'Unknown identity';
  const uniqueName = user?.uniqueName ?? (principal ? `${principal.tenantId}\\${principal.appId}` : id);
  const descriptor = descriptorOf(id, principal ? 'aadsp' : 'aad');
  return {
    displayName,
    url: `${identityBase(ado)}/_apis/Identities/${id}`,
    _links: { avatar: { href: `${ado.baseUrl}/_apis/GraphProfile/MemberAvatars/${descriptor}` } },
    id,
    uniqueName,
    imageUrl: `${ado.baseUrl}/_api/_common/identityImage?id=${id}`,
    descriptor,
  };
}

/** Identity URLs live on vssps in Services; the simulator serves everything from one origin. */
function identityBase(ado: Pick<AdoRequest, 'baseUrl' | 'host'>): string {
  return ado.baseUrl;
}

export function hostTypeName(host: Host): string {
  return host.kind === 'services' ? 'hosted' : 'onPremises';
}
