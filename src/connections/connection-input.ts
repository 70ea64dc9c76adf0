// What a caller may give to add or edit a connection, and its validation. Every field is checked before anything is
// written, and every mistake is reported at once with the field it is about (see FieldProblems).
import { checkCustomHeaders, HEADER_INVALID } from '../azure/client/build-request.js';
import { parseCaBundle } from '../azure/client/transport.js';
import { organizationUrl, parseAzureUrl } from '../azure/urls.js';
import type { Credential } from '../credentials/credential.js';
import { normalizePat } from '../credentials/pat.js';
import { assertCredentialFitsDeployment, validateServicePrincipalInput } from '../credentials/service-principal.js';
import { importSshPrivateKey, SshKeyErrorCodes, sshKeyExpiry } from '../credentials/ssh-keys.js';
import { AzdoError } from '../errors/azdo-error.js';
import type { Connection, CustomHeader } from './connection.js';
import { fieldError, FieldProblems } from './connection-errors.js';

/**
 * A credential as given. On add the secret (token, private key, client secret) is required; on edit a missing one
 * keeps the stored secret, so e.g. a PAT's expiry date can change without pasting the token again.
 */
export type CredentialInput =
  | { type: 'pat'; token?: string; expiresAt?: string | null }
  /** The passphrase unlocks the key once and is never stored: the vault encrypts the key instead. */
  | { type: 'ssh'; privateKey?: string; passphrase?: string; registeredAt?: string | null }
  | { type: 'servicePrincipal'; tenantId?: string; clientId?: string; clientSecret?: string; authority?: string | null };

/** A secret header without a value keeps the value stored for it (edit only). */
export interface CustomHeaderInput {
  name: string;
  secret: boolean;
  value?: string;
}

export interface ConnectionInput {
  name: string;
  description?: string;
  labels?: string[];
  /** Any Azure DevOps URL (organization, project, clone, pull request, ...): only its organization or collection is kept. */
  url: string;
  /** An assertion: refused when the URL says otherwise. */
  kind?: 'services' | 'server';
  credential?: CredentialInput;
  customHeaders?: CustomHeaderInput[];
  /** null clears. */
  tls?: { caBundle?: string | null };
  ssh?: { port?: number | null; knownHosts?: string | null };
}

/** Only what changes; undefined keeps a field, null clears an optional one. */
export type ConnectionChanges = Partial<ConnectionInput>;

export type ValidConnection = Pick<
  Connection,
  'name' | 'description' | 'labels' | 'kind' | 'deployment' | 'url' | 'credential' | 'customHeaders' | 'tls' | 'ssh'
>;

export const MAX_NAME_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 2000;
export const MAX_LABELS = 50;
export const MAX_LABEL_LENGTH = 50;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

function checkName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.normalize('NFC').trim() : '';
  const hint = `Give a short name of up to ${MAX_NAME_LENGTH} characters, e.g. "prod" or "fabrikam-ci".`;
  if (name === '') throw fieldError('name', 'The connection needs a name.', hint);
  if (name.length > MAX_NAME_LENGTH) throw fieldError('name', `The name is longer than ${MAX_NAME_LENGTH} characters.`, hint);
  if (CONTROL.test(name)) throw fieldError('name', 'The name contains line breaks or control characters.', hint);
  // A name starting with "-" could not be given to the command line as an argument.
  if (name.startsWith('-')) throw fieldError('name', 'The name starts with "-".', hint);
  return name;
}

function checkDescription(raw: unknown): string {
  const description = typeof raw === 'string' ? raw.trim() : '';
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw fieldError('description', `The description is longer than ${MAX_DESCRIPTION_LENGTH} characters.`, 'Shorten it.');
  }
  return description;
}

function checkLabels(raw: unknown): string[] {
  const hint = `Labels are short words (up to ${MAX_LABEL_LENGTH} characters, at most ${MAX_LABELS}), e.g. "prod", "team-a".`;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw fieldError('labels', 'The labels are not a list.', hint);
  const labels: string[] = [];
  const seen = new Set<string>();
  for (const item of raw as unknown[]) {
    const label = typeof item === 'string' ? item.normalize('NFC').trim() : '';
    if (label === '') throw fieldError('labels', 'A label is empty.', hint);
    if (label.length > MAX_LABEL_LENGTH || CONTROL.test(label) || label.includes(',')) {
      throw fieldError('labels', `The label "${label.slice(0, MAX_LABEL_LENGTH)}" is too long or contains commas or control characters.`, hint);
    }
    if (seen.has(label.toLowerCase())) continue;
    seen.add(label.toLowerCase());
    labels.push(label);
  }
  if (labels.length > MAX_LABELS) throw fieldError('labels', `There are more than ${MAX_LABELS} labels.`, hint);
  return labels;
}

function checkUrl(raw: unknown, kind: unknown): Pick<ValidConnection, 'deployment' | 'url' | 'kind'> {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw fieldError('url', 'The connection needs the URL of an Azure DevOps organization or collection.', 'Give e.g. https://dev.azure.com/{organization} or https://{server}/{collection}.');
  }
  const { deployment } = parseAzureUrl(raw);
  if (kind !== undefined && kind !== deployment.kind) {
    const said = kind === 'services' ? 'Azure DevOps Services' : 'Azure DevOps Server';
    const is = deployment.kind === 'services' ? 'an Azure DevOps Services organization' : 'an Azure DevOps Server collection';
    throw fieldError(
      'kind',
      `The URL is ${is}, but the kind given is ${said}.`,
      deployment.kind === 'server'
        ? 'Services organizations are https://dev.azure.com/{organization} or https://{organization}.visualstudio.com. To reach Services through a stand-in (a simulator or a proxy), keep that URL and set AZDO_CONNECT_SERVICES_URL.'
        : 'Leave the kind out, or give the URL of the Server collection, e.g. https://{server}/tfs/{collection}.',
    );
  }
  return { deployment, url: organizationUrl(deployment), kind: deployment.kind };
}

function checkDate(raw: string, field: string, what: string): string {
  const time = Date.parse(raw.trim());
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw.trim()) || !Number.isFinite(time)) {
    throw fieldError(field, `${what} is not a date.`, 'Give a date such as 2026-03-14 (or an ISO 8601 date and time).');
  }
  return new Date(time).toISOString();
}

async function checkCredential(input: CredentialInput | undefined, problems: FieldProblems): Promise<Credential | undefined> {
  if (input === undefined) {
    problems.add('credential', fieldError('credential', 'The connection needs a credential.', 'Give a personal access token, an SSH private key or a service principal.'));
    return undefined;
  }
  switch (input.type) {
    case 'pat': {
      const expiresAt =
        input.expiresAt == null ? undefined : problems.check('credential.expiresAt', () => checkDate(input.expiresAt!, 'credential.expiresAt', 'The PAT expiry'));
      if (input.token === undefined) {
        problems.add('credential.token', fieldError('credential.token', 'The personal access token is missing.', 'Give the token Azure DevOps showed when it was created (User settings > Personal access tokens).'));
        return undefined;
      }
      const token = problems.check('credential.token', () => normalizePat(input.token!));
      if (token === undefined || problems.has('credential')) return undefined;
      return { type: 'pat', token, ...(expiresAt !== undefined ? { expiresAt } : {}) };
    }
    case 'ssh': {
      const expiresAt =
        input.registeredAt == null ? undefined : problems.check('credential.registeredAt', () => sshKeyExpiry(input.registeredAt!));
      if (input.privateKey === undefined) {
        problems.add('credential.privateKey', fieldError('credential.privateKey', 'The SSH private key is missing.', 'Give the private key file (not the .pub), or generate a new key.'));
        return undefined;
      }
      let pair;
      try {
        pair = await importSshPrivateKey(input.privateKey, input.passphrase || undefined);
      } catch (error) {
        const code = error instanceof AzdoError ? error.code : '';
        const passphraseProblem = code === SshKeyErrorCodes.PASSPHRASE_WRONG || code === SshKeyErrorCodes.PASSPHRASE_REQUIRED;
        problems.add(passphraseProblem ? 'credential.passphrase' : 'credential.privateKey', error);
        return undefined;
      }
      if (problems.has('credential')) return undefined;
      return {
        type: 'ssh',
        privateKey: pair.privateKey,
        publicKey: pair.publicKey,
        fingerprint: pair.fingerprint,
        ...(input.registeredAt != null ? { registeredAt: new Date(Date.parse(input.registeredAt.trim())).toISOString() } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      };
    }
    case 'servicePrincipal': {
      try {
        const valid = validateServicePrincipalInput({
          tenantId: input.tenantId ?? '',
          clientId: input.clientId ?? '',
          clientSecret: input.clientSecret ?? '',
          ...(input.authority != null ? { authority: input.authority } : {}),
        });
        return { type: 'servicePrincipal', ...valid };
      } catch (error) {
        if (!(error instanceof AzdoError)) throw error;
        // One problem per field, so each is shown beside its own input.
        const fields = (error.details?.fields ?? []) as Array<{ field: string; message: string }>;
        for (const f of fields) {
          problems.add(`credential.${f.field}`, new AzdoError(error.code, `The ${f.field} ${f.message}.`, error.hint));
        }
        if (fields.length === 0) problems.add('credential', error);
        return undefined;
      }
    }
    default:
      problems.add('credential.type', fieldError('credential.type', 'The credential type is not one azdo-connect knows.', 'Use "pat", "ssh" or "servicePrincipal".'));
      return undefined;
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

function checkHeaders(raw: CustomHeaderInput[] | undefined, problems: FieldProblems): CustomHeader[] {
  const headers: CustomHeader[] = [];
  const seen = new Set<string>();
  for (const header of raw ?? []) {
    const name = typeof header.name === 'string' ? header.name.trim() : '';
    // A name that is no header name is not repeated: it may be a value pasted in the wrong place.
    const shown = HEADER_NAME.test(name) ? name : '?';
    const field = `customHeaders.${shown}`;
    if (seen.has(name.toLowerCase())) {
      problems.add(field, new AzdoError(HEADER_INVALID, `The custom header "${shown}" is given twice.`, 'Give each header once.'));
      continue;
    }
    seen.add(name.toLowerCase());
    if (header.value === undefined || (header.secret && header.value === '')) {
      problems.add(field, new AzdoError(HEADER_INVALID, `The custom header "${shown}" has no value.`, 'Give its value (for a secret header, from a file, an environment variable or the prompt).'));
      continue;
    }
    const value = header.value.trim();
    const ok = problems.list.length;
    problems.check(field, () => checkCustomHeaders({ [name]: value }));
    if (problems.list.length === ok) headers.push({ name, value, secret: header.secret === true });
  }
  return headers;
}

const KNOWN_HOSTS_KEY = /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+|ssh-ed25519)$/;

function checkKnownHosts(raw: string): string | undefined {
  const lines = raw.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of lines) {
    const tokens = line.split(/\s+/);
    if (tokens[0]?.startsWith('@')) tokens.shift();
    const [hosts, type, key] = tokens;
    if (!hosts || !type || !key || !KNOWN_HOSTS_KEY.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
      throw fieldError(
        'ssh.knownHosts',
        'The known hosts text has a line that is not an OpenSSH known_hosts line.',
        'Give lines as ssh-keyscan prints them: "host key-type base64-key", e.g. from `ssh-keyscan -p 22 {server}`.',
      );
    }
  }
  return lines.length === 0 ? undefined : lines.join('\n');
}

/** Checks every field and returns the connection as it will be stored; throws one error naming every bad field. */
export async function validateConnectionInput(input: ConnectionInput): Promise<ValidConnection> {
  const problems = new FieldProblems();
  const name = problems.check('name', () => checkName(input.name));
  const description = problems.check('description', () => checkDescription(input.description));
  const labels = problems.check('labels', () => checkLabels(input.labels));
  const target = problems.check('url', () => checkUrl(input.url, input.kind));
  const credential = await checkCredential(input.credential, problems);
  if (target && credential) problems.check('credential', () => assertCredentialFitsDeployment(credential, target.deployment));
  const customHeaders = checkHeaders(input.customHeaders, problems);

  const tls: ValidConnection['tls'] = {};
  const caBundle = input.tls?.caBundle;
  if (caBundle != null) {
    if (target?.kind === 'services') {
      problems.add('tls.caBundle', fieldError('tls.caBundle', 'A CA bundle applies to Azure DevOps Server only; Services uses public certificates.', 'Leave the CA bundle out for a Services organization.'));
    } else {
      const blocks = problems.check('tls.caBundle', () => parseCaBundle(caBundle));
      if (blocks) tls.caBundle = `${blocks.join('\n')}\n`;
    }
  }

  const ssh: ValidConnection['ssh'] = {};
  const port = input.ssh?.port;
  if (port != null) {
    if (target?.kind === 'services') {
      problems.add('ssh.port', fieldError('ssh.port', 'The SSH port applies to Azure DevOps Server only; Services always uses ssh.dev.azure.com:22.', 'Leave the SSH port out for a Services organization.'));
    } else if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.add('ssh.port', fieldError('ssh.port', 'The SSH port is not a port number.', 'Give a whole number from 1 to 65535 (22 unless the server administrator changed it).'));
    } else {
      ssh.port = port;
    }
  }
  const knownHosts = input.ssh?.knownHosts;
  if (knownHosts != null) {
    const lines = problems.check('ssh.knownHosts', () => checkKnownHosts(knownHosts));
    if (lines !== undefined) ssh.knownHosts = lines;
  }

  problems.throwIfAny();
  return {
    name: name!,
    description: description!,
    labels: labels!,
    ...target!,
    credential: credential!,
    customHeaders,
    tls,
    ssh,
  };
}
