// Placeholder until the seed loader lands: an empty document, no credentials.
import type { SimulatorControl } from '../control/simulator-control.js';
import type { ReadyUser } from '../start-simulator.js';

export type SeedDocument = Record<string, unknown>;
export interface SeedCredentials {
  users: ReadyUser[];
  servicePrincipals: Array<{ displayName: string; tenantId: string; clientId: string; clientSecret: string; objectId: string }>;
}
export async function loadSeed(_nameOrFile: string): Promise<SeedDocument> {
  return {};
}
export async function applySeed(_control: SimulatorControl, _seed: SeedDocument, _o: { dataDir: string }): Promise<SeedCredentials> {
  return { users: [], servicePrincipals: [] };
}
