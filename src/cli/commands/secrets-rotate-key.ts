import { openConnectionService } from '../../connections/open-connection-service.js';
import { parseSecretKey, SECRET_KEY_ENV } from '../../credentials/vault.js';
import { AzdoError } from '../../errors/azdo-error.js';
import { CLI_SECRET_MISSING, registerSecret, runCommand } from '../cli-output.js';
import { readSecret } from '../secret-input.js';

export interface SecretsRotateKeyOptions {
  json?: boolean;
  newKeyFile?: string;
  newKeyEnv?: string;
}

/**
 * Re-encrypts every stored secret under a new key, in one transaction. With the key file, the new key replaces it;
 * with a key from AZDO_CONNECT_SECRET_KEY, the user brings the new key (a file or a variable), which is never printed.
 */
export async function runSecretsRotateKey(o: SecretsRotateKeyOptions): Promise<void> {
  await runCommand(o, async (out) => {
    const text = await readSecret({
      field: 'newKey',
      what: 'the new key',
      file: o.newKeyFile,
      env: o.newKeyEnv,
      fileOption: '--new-key-file',
      envOption: '--new-key-env',
    });
    const newKey = text === undefined ? undefined : parseSecretKey(text, o.newKeyFile !== undefined ? 'The file given to --new-key-file' : 'The variable given to --new-key-env');
    if (newKey) registerSecret(newKey.toString('base64'));
    const service = await openConnectionService();
    try {
      if (service.vault.keySource === 'env' && newKey === undefined) {
        throw new AzdoError(
          CLI_SECRET_MISSING,
          `The key comes from ${SECRET_KEY_ENV}, so the new key has to come from you as well: azdo-connect cannot change that variable.`,
          `Make one with \`openssl rand -base64 32 > new.key\`, run again with --new-key-file new.key, then set ${SECRET_KEY_ENV} to it everywhere this store is used.`,
          { field: 'newKey' },
        );
      }
      const result = await service.rotateKey(newKey);
      out.result({ reencrypted: result.reencrypted, keyId: result.keyId, nextStep: result.nextStep });
      out.print(`Re-encrypted ${result.reencrypted} secret${result.reencrypted === 1 ? '' : 's'} under the new key (key id ${result.keyId}).`);
      out.print(result.nextStep);
    } finally {
      await service.close();
    }
  });
}
