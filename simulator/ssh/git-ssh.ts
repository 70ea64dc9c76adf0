import type { SimulatorContext } from '../runtime/context.js';

export async function startGitSsh(_ctx: SimulatorContext, _o: { host: string; port: number; hostKeyFile: string }): Promise<{ port: number; hostKeyFingerprint: string; close(): Promise<void> }> {
  return { port: 0, hostKeyFingerprint: '', close: async () => undefined };
}
