// Turns the options `connection add` and `connection edit` share into the service's input: the credential (read from
// files, variables or prompts, or generated), custom headers, TLS and SSH settings.
import { access, unlink } from 'node:fs/promises';
import type { ConnectionChanges, CredentialInput, CustomHeaderInput } from '../connections/connection-input.js';
import { fieldError } from '../connections/connection-errors.js';
import { generateSshKeyPair, importSshPrivateKey, SshKeyErrorCodes, writePrivateKeyFile, type SshKeyPair } from '../credentials/ssh-keys.js';
import { AzdoError } from '../errors/azdo-error.js';
import { CLI_USAGE, registerSecret, type CliOutput } from './cli-output.js';
import { readSecret, readTextFile, secretMissing } from './secret-input.js';
import { askSecret, canPrompt } from './terminal.js';

export interface CredentialOptions {
  credential?: 'pat' | 'ssh' | 'service-principal';
  patFile?: string;
  patEnv?: string;
  patExpires?: string;
  sshKeyFile?: string;
  sshKeyEnv?: string;
  sshKeyPassphraseFile?: string;
  sshKeyPassphraseEnv?: string;
  sshKeyRegistered?: string;
  generateSshKey?: boolean;
  sshKeyOut?: string;
  sshKeyComment?: string;
  tenantId?: string;
  clientId?: string;
  clientSecretFile?: string;
  clientSecretEnv?: string;
  authority?: string;
}

export interface TargetOptions {
  description?: string;
  label?: string[];
  kind?: 'services' | 'server';
  header?: string[];
  secretHeaderFile?: string[];
  secretHeaderEnv?: string[];
  secretHeaderPrompt?: string[];
  caFile?: string;
  sshPort?: number;
  knownHostsFile?: string;
}

/** A key generated for the connection: written to its file just before the connection is saved. */
export interface GeneratedKey {
  pair: SshKeyPair;
  file: string;
}

/**
 * Saves a connection (add or edit) whose generated private key must be on disk once, and only if the save succeeds:
 * the key file is written in the save's `beforeSave` step and removed again if the save then fails, so nothing
 * points at a key of a connection that does not exist.
 */
export async function saveWithGeneratedKey<T>(generated: GeneratedKey | undefined, save: (o: { beforeSave?: () => Promise<void> }) => Promise<T>): Promise<T> {
  if (!generated) return save({});
  let written = false;
  try {
    return await save({
      beforeSave: async () => {
        await writePrivateKeyFile(generated.file, generated.pair.privateKey);
        written = true;
      },
    });
  } catch (error) {
    if (written) await unlink(generated.file).catch(() => undefined);
    throw error;
  }
}

type CredentialType = CredentialInput['type'];

/** Which credential the options describe; several at once is a mistake worth naming. */
export function credentialTypeOf(o: CredentialOptions): CredentialType | undefined {
  const named: CredentialType[] = [];
  if (o.patFile !== undefined || o.patEnv !== undefined || o.patExpires !== undefined) named.push('pat');
  if (o.sshKeyFile !== undefined || o.sshKeyEnv !== undefined || o.generateSshKey || o.sshKeyRegistered !== undefined) named.push('ssh');
  if (o.tenantId !== undefined || o.clientId !== undefined || o.clientSecretFile !== undefined || o.clientSecretEnv !== undefined || o.authority !== undefined) {
    named.push('servicePrincipal');
  }
  const asked = o.credential === 'service-principal' ? 'servicePrincipal' : o.credential;
  if (asked !== undefined && !named.includes(asked)) named.push(asked);
  if (named.length > 1) {
    throw fieldError(
      'credential',
      `Options for more than one credential were given (${named.join(', ')}); a connection has one credential.`,
      'Give the options of one credential only: a PAT (--pat-file/--pat-env), an SSH key (--ssh-key-file, --generate-ssh-key) or a service principal (--tenant-id, --client-id, --client-secret-file).',
    );
  }
  return named[0];
}

async function sshPassphrase(o: CredentialOptions, privateKey: string): Promise<string | undefined> {
  const given = await readSecret({
    field: 'credential.passphrase',
    what: 'the SSH key passphrase',
    file: o.sshKeyPassphraseFile,
    env: o.sshKeyPassphraseEnv,
    fileOption: '--ssh-key-passphrase-file',
    envOption: '--ssh-key-passphrase-env',
  });
  if (given !== undefined) return given.replace(/\r?\n$/, '');
  if (!canPrompt()) return undefined;
  // Asked only for a key that needs one; any other problem with the key is the service's to report.
  try {
    await importSshPrivateKey(privateKey);
    return undefined;
  } catch (error) {
    if (error instanceof AzdoError && error.code === SshKeyErrorCodes.PASSPHRASE_REQUIRED) return askSecret('SSH key passphrase');
    return undefined;
  }
}

async function generateKey(o: CredentialOptions, out: CliOutput): Promise<GeneratedKey> {
  if (o.sshKeyOut === undefined) {
    throw fieldError('sshKeyOut', '--generate-ssh-key needs --ssh-key-out: the file to write the new private key to.', 'Add e.g. --ssh-key-out ~/.ssh/azdo_prod (the file must not exist yet).');
  }
  // Checked before the key is generated (which takes seconds); the write itself refuses to overwrite too.
  const exists = await access(o.sshKeyOut).then(() => true, () => false);
  if (exists) {
    throw new AzdoError(
      SshKeyErrorCodes.FILE_EXISTS,
      `The file ${o.sshKeyOut} already exists; it was left untouched.`,
      'Choose another file name for --ssh-key-out, or move the existing file away first if you are sure it is no longer needed.',
      { field: 'sshKeyOut', path: o.sshKeyOut },
    );
  }
  out.note('Generating an RSA 4096 key pair...');
  const pair = await generateSshKeyPair(o.sshKeyComment !== undefined ? { comment: o.sshKeyComment } : {});
  registerSecret(pair.privateKey);
  return { pair, file: o.sshKeyOut };
}

/**
 * The credential the options give, or undefined when they give none (an edit that keeps the credential).
 * `required`: an add, which asks at the terminal for what is missing and fails when it cannot.
 */
export async function credentialFromOptions(
  o: CredentialOptions,
  out: CliOutput,
  required: boolean,
): Promise<{ credential?: CredentialInput; generated?: GeneratedKey }> {
  const type = credentialTypeOf(o) ?? (required && canPrompt() ? 'pat' : undefined);
  if (type === undefined) {
    if (required) throw secretMissing('credential', 'credential', '--pat-file or --pat-env (a PAT), --ssh-key-file or --generate-ssh-key (an SSH key), or --tenant-id, --client-id and --client-secret-file (a service principal)');
    return {};
  }
  switch (type) {
    case 'pat': {
      const token = await readSecret({
        field: 'credential.token',
        what: 'the personal access token',
        file: o.patFile,
        env: o.patEnv,
        fileOption: '--pat-file',
        envOption: '--pat-env',
        ...(required || o.credential === 'pat' ? { prompt: 'Personal access token' } : {}),
      });
      if (token === undefined && required) throw secretMissing('credential.token', 'personal access token', '--pat-file FILE or --pat-env VARIABLE');
      return { credential: { type: 'pat', ...(token !== undefined ? { token } : {}), ...(o.patExpires !== undefined ? { expiresAt: o.patExpires } : {}) } };
    }
    case 'ssh': {
      const registeredAt = o.sshKeyRegistered !== undefined ? { registeredAt: o.sshKeyRegistered } : {};
      if (o.generateSshKey) {
        if (o.sshKeyFile !== undefined || o.sshKeyEnv !== undefined) {
          throw fieldError('credential.privateKey', '--generate-ssh-key and an existing key (--ssh-key-file/--ssh-key-env) were both given.', 'Give one: generate a new key, or use an existing one.');
        }
        const generated = await generateKey(o, out);
        // Registered when the user pastes it, which they are told to do right away.
        return { credential: { type: 'ssh', privateKey: generated.pair.privateKey, registeredAt: new Date().toISOString(), ...registeredAt }, generated };
      }
      const privateKey = await readSecret({
        field: 'credential.privateKey',
        what: 'the SSH private key',
        file: o.sshKeyFile,
        env: o.sshKeyEnv,
        fileOption: '--ssh-key-file',
        envOption: '--ssh-key-env',
      });
      if (privateKey === undefined) {
        if (required || o.credential === 'ssh') throw secretMissing('credential.privateKey', 'SSH private key', '--ssh-key-file FILE, --ssh-key-env VARIABLE, or --generate-ssh-key --ssh-key-out FILE');
        return { credential: { type: 'ssh', ...registeredAt } };
      }
      const passphrase = await sshPassphrase(o, privateKey);
      return { credential: { type: 'ssh', privateKey, ...(passphrase !== undefined ? { passphrase } : {}), ...registeredAt } };
    }
    case 'servicePrincipal': {
      const clientSecret = await readSecret({
        field: 'credential.clientSecret',
        what: 'the client secret',
        file: o.clientSecretFile,
        env: o.clientSecretEnv,
        fileOption: '--client-secret-file',
        envOption: '--client-secret-env',
        ...(required || o.credential === 'service-principal' ? { prompt: 'Client secret' } : {}),
      });
      if (clientSecret === undefined && required) throw secretMissing('credential.clientSecret', 'client secret', '--client-secret-file FILE or --client-secret-env VARIABLE');
      return {
        credential: {
          type: 'servicePrincipal',
          ...(o.tenantId !== undefined ? { tenantId: o.tenantId } : {}),
          ...(o.clientId !== undefined ? { clientId: o.clientId } : {}),
          ...(clientSecret !== undefined ? { clientSecret } : {}),
          ...(o.authority !== undefined ? { authority: o.authority } : {}),
        },
      };
    }
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

function splitPair(spec: string, separator: ':' | '=', option: string, example: string): [string, string] {
  const at = spec.indexOf(separator);
  const name = at < 0 ? '' : spec.slice(0, at).trim();
  if (!HEADER_NAME.test(name)) {
    // Not repeated: the text may hold a secret value given by mistake.
    throw new AzdoError(CLI_USAGE, `A value given to ${option} is not of the form ${example}.`, `Write it as ${example}.`, { field: 'customHeaders' });
  }
  return [name, spec.slice(at + 1).trim()];
}

/** The custom headers the options add or replace (by name, without regard to case). */
export async function headersFromOptions(o: TargetOptions): Promise<CustomHeaderInput[]> {
  const headers: CustomHeaderInput[] = [];
  for (const spec of o.header ?? []) {
    const [name, value] = splitPair(spec, ':', '--header', "'Name: value'");
    headers.push({ name, value, secret: false });
  }
  for (const spec of o.secretHeaderFile ?? []) {
    const [name, file] = splitPair(spec, '=', '--secret-header-file', "'Name=path/to/file'");
    const value = await readSecret({ field: `customHeaders.${name}`, what: `the value of header ${name}`, file, fileOption: '--secret-header-file', envOption: '--secret-header-env' });
    headers.push({ name, value: value?.trim() ?? '', secret: true });
  }
  for (const spec of o.secretHeaderEnv ?? []) {
    const [name, env] = splitPair(spec, '=', '--secret-header-env', "'Name=VARIABLE'");
    const value = await readSecret({ field: `customHeaders.${name}`, what: `the value of header ${name}`, env, fileOption: '--secret-header-file', envOption: '--secret-header-env' });
    headers.push({ name, value: value?.trim() ?? '', secret: true });
  }
  for (const name of o.secretHeaderPrompt ?? []) {
    if (!HEADER_NAME.test(name.trim())) throw new AzdoError(CLI_USAGE, 'A value given to --secret-header-prompt is not a header name.', 'Give the header name only, e.g. --secret-header-prompt CF-Access-Client-Secret.', { field: 'customHeaders' });
    if (!canPrompt()) throw secretMissing(`customHeaders.${name.trim()}`, `value for header ${name.trim()}`, '--secret-header-file or --secret-header-env');
    headers.push({ name: name.trim(), value: (await askSecret(`Value of header ${name.trim()}`)).trim(), secret: true });
  }
  return headers;
}

/** The fields other than name, URL and credential, as the options give them. */
export async function targetFromOptions(o: TargetOptions): Promise<Omit<ConnectionChanges, 'name' | 'url' | 'credential' | 'customHeaders'>> {
  return {
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.label !== undefined ? { labels: o.label.flatMap((l) => l.split(',')).map((l) => l.trim()).filter((l) => l !== '') } : {}),
    ...(o.kind !== undefined ? { kind: o.kind } : {}),
    ...(o.caFile !== undefined ? { tls: { caBundle: await readTextFile(o.caFile, 'tls.caBundle', '--ca-file') } } : {}),
    ...(o.sshPort !== undefined || o.knownHostsFile !== undefined
      ? {
          ssh: {
            ...(o.sshPort !== undefined ? { port: o.sshPort } : {}),
            ...(o.knownHostsFile !== undefined ? { knownHosts: await readTextFile(o.knownHostsFile, 'ssh.knownHosts', '--known-hosts-file') } : {}),
          },
        }
      : {}),
  };
}
