import { openConnectionService } from '../../connections/open-connection-service.js';
import { ExitCode, runCommand } from '../cli-output.js';
import { credentialSummary, expiryText, generatedKeyAdvice, viewJson } from '../connection-format.js';
import { credentialFromOptions, headersFromOptions, targetFromOptions, type CredentialOptions, type TargetOptions, saveWithGeneratedKey } from '../connection-options.js';
import { testAndPrint, type HostKeyOptions } from './connection-test.js';

export interface ConnectionAddOptions extends CredentialOptions, TargetOptions, HostKeyOptions {
  name: string;
  url: string;
  /** False with --no-test. */
  test: boolean;
  json?: boolean;
}

export async function runConnectionAdd(o: ConnectionAddOptions): Promise<void> {
  await runCommand(o, async (out) => {
    // Files first: a missing one is reported before a key is generated (seconds) or a secret is asked for.
    const target = await targetFromOptions(o);
    const customHeaders = await headersFromOptions(o);
    const { credential, generated } = await credentialFromOptions(o, out, true);
    const input = { name: o.name, url: o.url, ...(credential ? { credential } : {}), customHeaders, ...target };
    const service = await openConnectionService();
    try {
      const view = await saveWithGeneratedKey(generated, (o) => service.addConnection(input, o));
      out.print(`Added connection '${view.name}': ${view.url} (${view.kind}), ${credentialSummary(view.credential)}; ${expiryText(view)}.`);
      const result: Record<string, unknown> = { connection: viewJson(view) };
      if (generated) {
        for (const line of generatedKeyAdvice(generated)) out.print(line);
        out.print();
        out.print(`Then test it: azdo-connect connection test ${view.name}`);
        result.generatedKey = { publicKey: generated.pair.publicKey, fingerprint: generated.pair.fingerprint, privateKeyFile: generated.file };
      }
      // A key generated a moment ago is not registered in Azure DevOps yet: testing it now could only fail.
      if (!o.test || generated) {
        out.result(result);
        return ExitCode.OK;
      }
      out.print(`Testing connection '${view.name}' (skip with --no-test)...`);
      const test = await testAndPrint(service, view.id, o, out);
      result.connection = viewJson(await service.describeConnection(view.id));
      result.test = test.json;
      out.result(result);
      return test.ok ? ExitCode.OK : ExitCode.TEST_FAILED;
    } finally {
      await service.close();
    }
  });
}
