import type { SimulatorContext } from '../runtime/context.js';

/** What the simulator holds, without secrets (PAT hashes, client secrets), for scripts and debugging. */
export function stateSummary(ctx: SimulatorContext): Record<string, unknown> {
  const state = ctx.store.state;
  return {
    instanceId: state.instanceId,
    hosts: state.hosts.map((h) => ({
      id: h.id,
      name: h.name,
      kind: h.kind,
      tenantId: h.tenantId,
      serverVersion: h.serverVersion,
      publicUrl: h.publicUrl,
      policies: h.policies,
      members: h.members,
      projects: h.projects.map((p) => ({
        id: p.id,
        name: p.name,
        readers: p.readers,
        repositories: p.repositories.map((r) => ({ id: r.id, name: r.name, isDisabled: r.isDisabled, pushes: r.pushes.length, pullRequests: r.pullRequests.length })),
      })),
    })),
    users: state.users,
    pats: state.pats.map(({ tokenHash: _hash, ...pat }) => pat),
    sshKeys: state.sshKeys,
    servicePrincipals: state.servicePrincipals.map(({ secrets: _secrets, ...principal }) => principal),
  };
}
