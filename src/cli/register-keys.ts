// `azdo-connect ssh-key generate` and `azdo-connect secrets rotate-key`: the keys azdo-connect makes and keeps.
import type { Command } from 'commander';
// Types only: erased when compiled, so they load nothing.
import type { SecretsRotateKeyOptions } from './commands/secrets-rotate-key.js';

export function registerKeys(program: Command): void {
  program
    .command('ssh-key')
    .description('SSH keys for Azure DevOps.')
    .command('generate')
    .description('Generate an RSA 4096 key pair: the private key goes to a new file (0600), the public key is printed to add to Azure DevOps.')
    .requiredOption('--out <file>', 'where to write the private key (never overwritten)')
    .option('--comment <text>', 'the public key comment', 'azdo-connect')
    .option('--json', 'print the result as JSON')
    .action(async (options: { out: string; comment?: string; json?: boolean }) => {
      const { runSshKeyGenerate } = await import('./commands/ssh-key-generate.js');
      await runSshKeyGenerate(options);
    });

  program
    .command('secrets')
    .description('The key that encrypts stored secrets.')
    .command('rotate-key')
    .description('Re-encrypt every stored secret under a new key, all or nothing. With the key file, it is replaced; with AZDO_CONNECT_SECRET_KEY, bring the new key.')
    .option('--new-key-file <file>', 'the new key (base64, 32 bytes), e.g. from `openssl rand -base64 32`')
    .option('--new-key-env <variable>', 'read the new key from this environment variable')
    .option('--json', 'print the result as JSON')
    .action(async (options: SecretsRotateKeyOptions) => {
      const { runSecretsRotateKey } = await import('./commands/secrets-rotate-key.js');
      await runSecretsRotateKey(options);
    });
}
