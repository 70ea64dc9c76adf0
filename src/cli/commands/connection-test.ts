import type { ConnectionService, ConnectionTestResult, UnconfirmedHostKey } from '../../connections/connection-service.js';
import { openConnectionService } from '../../connections/open-connection-service.js';
import { ExitCode, runCommand, type CliOutput } from '../cli-output.js';
import { checkText, reportSummary } from '../connection-format.js';
import { askConfirm, canPrompt } from '../terminal.js';

export interface HostKeyOptions {
  /** `SHA256:...`: pin the host key only if it is this one. */
  trustHostKey?: string;
  /** Pin a host key seen for the first time without asking. */
  yes?: boolean;
}

export interface ConnectionTestOptions extends HostKeyOptions {
  json?: boolean;
}

/** The test as `--json` prints it: the report, with what happened to a new SSH host key. */
export function testJson(result: ConnectionTestResult, mismatch: { expected: string; seen: string } | undefined): Record<string, unknown> {
  const { report, connection } = result;
  return {
    ok: report.ok && mismatch === undefined,
    connection: { id: connection.id, name: connection.name, url: connection.url },
    checks: report.checks.map((c) => ({
      id: c.id,
      code: c.code,
      status: c.status,
      message: c.message,
      ...(c.hint !== undefined ? { hint: c.hint } : {}),
      durationMs: c.durationMs,
      ...(c.details !== undefined ? { details: c.details } : {}),
    })),
    features: report.features,
    requests: report.requests,
    durationMs: report.durationMs,
    ...(report.credentialExpiresAt !== undefined ? { credentialExpiresAt: report.credentialExpiresAt } : {}),
    ...(result.pinnedHostKey ? { pinnedHostKey: result.pinnedHostKey } : {}),
    ...(report.unconfirmedHostKey ? { unconfirmedHostKey: report.unconfirmedHostKey } : {}),
    ...(mismatch ? { hostKeyMismatch: mismatch } : {}),
  };
}

/**
 * Tests the connection, printing checks as they finish, and decides about a new SSH host key: pinned when it matches
 * --trust-host-key, with --yes, or when the person at the terminal says so; otherwise left unpinned, with advice.
 */
export async function testAndPrint(
  service: ConnectionService,
  name: string,
  o: HostKeyOptions,
  out: CliOutput,
): Promise<{ json: Record<string, unknown>; ok: boolean }> {
  let mismatch: { expected: string; seen: string } | undefined;
  const decide = async (key: UnconfirmedHostKey): Promise<boolean> => {
    const where = `${key.host}:${key.port}`;
    if (o.trustHostKey !== undefined) {
      if (key.fingerprint === o.trustHostKey.trim()) return true;
      mismatch = { expected: o.trustHostKey.trim(), seen: key.fingerprint };
      out.print(`The SSH host ${where} presented ${key.fingerprint}, not the key given to --trust-host-key (${o.trustHostKey.trim()}); it was not pinned.`);
      return false;
    }
    if (o.yes) return true;
    if (canPrompt()) {
      return askConfirm(`The SSH host ${where} presents the key ${key.fingerprint}, not seen before. Trust it and pin it to this connection?`, false);
    }
    out.print(`The SSH host ${where} presents the key ${key.fingerprint}, not seen before; it was not pinned.`);
    out.print(`Check the fingerprint with the server's administrator, then run again with --trust-host-key ${key.fingerprint}.`);
    return false;
  };
  const confirmHostKey = async (key: UnconfirmedHostKey): Promise<boolean> => {
    const trusted = await decide(key);
    if (trusted) out.print(`Pinning the SSH host key ${key.fingerprint} of ${key.host}:${key.port} to this connection; checking again:`);
    return trusted;
  };
  const result = await service.testConnection(name, { confirmHostKey, onCheck: (check) => out.print(checkText(check)) });
  out.print(reportSummary(result.report));
  const json = testJson(result, mismatch);
  return { json, ok: json.ok === true };
}

export async function runConnectionTest(name: string, o: ConnectionTestOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const service = await openConnectionService();
    try {
      out.print(`Testing connection '${name}'...`);
      const { json, ok } = await testAndPrint(service, name, o, out);
      out.result(json);
      return ok ? ExitCode.OK : ExitCode.TEST_FAILED;
    } finally {
      await service.close();
    }
  });
}
