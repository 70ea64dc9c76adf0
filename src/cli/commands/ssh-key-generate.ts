import { access } from 'node:fs/promises';
import { generateSshKeyPair, SshKeyErrorCodes, writePrivateKeyFile } from '../../credentials/ssh-keys.js';
import { AzdoError } from '../../errors/azdo-error.js';
import { runCommand } from '../cli-output.js';
import { generatedKeyAdvice } from '../connection-format.js';

/** Generates an RSA 4096 key pair, writes the private key once (0600, never over an existing file), prints the public key. */
export async function runSshKeyGenerate(o: { out: string; comment?: string; json?: boolean }): Promise<void> {
  await runCommand(o, async (out) => {
    // Checked before generating, which takes seconds; the write itself refuses to overwrite as well.
    if (await access(o.out).then(() => true, () => false)) {
      throw new AzdoError(
        SshKeyErrorCodes.FILE_EXISTS,
        `The file ${o.out} already exists; it was left untouched.`,
        'Choose another file name for --out, or move the existing file away first if you are sure it is no longer needed.',
        { path: o.out },
      );
    }
    out.note('Generating an RSA 4096 key pair...');
    const pair = await generateSshKeyPair(o.comment !== undefined ? { comment: o.comment } : {});
    await writePrivateKeyFile(o.out, pair.privateKey);
    out.result({ publicKey: pair.publicKey, fingerprint: pair.fingerprint, bits: pair.bits, privateKeyFile: o.out });
    for (const line of generatedKeyAdvice({ pair, file: o.out })) out.print(line);
    out.print();
    out.print(`Then add a connection with it: azdo-connect connection add --name NAME --url URL --ssh-key-file ${o.out}`);
  });
}
