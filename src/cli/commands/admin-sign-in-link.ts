import { openServiceContext } from '../open-service-context.js';
import { runCommand } from '../cli-output.js';

/**
 * A fresh one-time sign-in link for an existing user, made on the server's own machine: how a locked-out
 * administrator gets back in. Uses the same store and key as the service (AZDO_CONNECT_DATA or DATABASE_URL).
 */
export async function runAdminSignInLink(o: { email: string; publicUrl?: string; json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openServiceContext(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {});
    try {
      const link = await service.ctx.access.createSignInLink({ email: o.email });
      out.result({ email: o.email, url: link.url, expiresAt: link.expiresAt });
      out.print(`Open this link to sign in as ${o.email} (valid until ${link.expiresAt}, once):\n\n  ${link.url}\n`);
    } finally {
      await service.close();
    }
  });
}
