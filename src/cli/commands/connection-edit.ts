import type { ConnectionChanges, CustomHeaderInput } from '../../connections/connection-input.js';
import { openConnectionService } from '../../connections/open-connection-service.js';
import { AzdoError } from '../../errors/azdo-error.js';
import { CLI_USAGE, ExitCode, runCommand } from '../cli-output.js';
import { generatedKeyAdvice, viewJson } from '../connection-format.js';
import { credentialFromOptions, headersFromOptions, targetFromOptions, type CredentialOptions, type TargetOptions, saveWithGeneratedKey } from '../connection-options.js';
import { testAndPrint, type HostKeyOptions } from './connection-test.js';

export interface ConnectionEditOptions extends CredentialOptions, TargetOptions, HostKeyOptions {
  name?: string;
  url?: string;
  json?: boolean;
  expectedVersion?: number;
  clearLabels?: boolean;
  removeHeader?: string[];
  clearCa?: boolean;
  clearSshPort?: boolean;
  clearKnownHosts?: boolean;
  clearPatExpires?: boolean;
  test?: boolean;
}

export async function runConnectionEdit(connection: string, o: ConnectionEditOptions): Promise<void> {
  await runCommand(o, async (out) => {
    // Files first: a missing one is reported before a key is generated (seconds) or a secret is asked for.
    const target = await targetFromOptions(o);
    const newHeaders = await headersFromOptions(o);
    const { credential, generated } = await credentialFromOptions(o, out, false);
    const service = await openConnectionService();
    try {
      const current = await service.describeConnection(connection);
      const changes: ConnectionChanges = { ...target };
      if (o.name !== undefined) changes.name = o.name;
      if (o.url !== undefined) changes.url = o.url;
      if (credential) changes.credential = credential;
      if (o.clearPatExpires) {
        // On a connection whose credential is not a PAT, this is a PAT without a token: refused, naming the field.
        changes.credential = { ...(credential?.type === 'pat' ? credential : { type: 'pat' as const }), expiresAt: null };
      }
      if (o.clearLabels) changes.labels = [];
      if (o.clearCa) changes.tls = { caBundle: null };
      if (o.clearSshPort || o.clearKnownHosts) {
        changes.ssh = { ...changes.ssh, ...(o.clearSshPort ? { port: null } : {}), ...(o.clearKnownHosts ? { knownHosts: null } : {}) };
      }
      if (newHeaders.length > 0 || (o.removeHeader?.length ?? 0) > 0) {
        const dropped = new Set([...(o.removeHeader ?? []), ...newHeaders.map((h) => h.name)].map((n) => n.trim().toLowerCase()));
        const kept: CustomHeaderInput[] = current.customHeaders.filter((h) => !dropped.has(h.name.toLowerCase()));
        changes.customHeaders = [...kept, ...newHeaders];
      }
      const changed = Object.keys(changes);
      if (changed.length === 0) {
        throw new AzdoError(CLI_USAGE, 'Nothing to change was given.', 'Give the options for what should change, e.g. --description, --pat-file, --url; see `azdo-connect connection edit --help`.');
      }
      const view = await saveWithGeneratedKey(generated, (save) =>
        service.editConnection(current.id, changes, { expectedVersion: o.expectedVersion ?? current.version, ...save }),
      );
      out.print(`Updated connection '${view.name}' (${changed.join(', ')}); now version ${view.version}.`);
      const result: Record<string, unknown> = { connection: viewJson(view), changed };
      if (generated) {
        for (const line of generatedKeyAdvice(generated)) out.print(line);
        result.generatedKey = { publicKey: generated.pair.publicKey, fingerprint: generated.pair.fingerprint, privateKeyFile: generated.file };
      }
      if (o.test && !generated) {
        const test = await testAndPrint(service, view.id, o, out);
        result.connection = viewJson(await service.describeConnection(view.id));
        result.test = test.json;
        out.result(result);
        return test.ok ? ExitCode.OK : ExitCode.TEST_FAILED;
      }
      out.result(result);
      return ExitCode.OK;
    } finally {
      await service.close();
    }
  });
}
