import { AzdoError } from '../errors/azdo-error.js';

/** One code per mistake, so the UI can show the fix beside the field and tests can tell the cases apart. */
export const SshKeyErrorCodes = {
  IS_PUBLIC: 'AZDO_SSH_KEY_IS_PUBLIC',
  IS_PRIVATE: 'AZDO_SSH_KEY_IS_PRIVATE',
  MISSING_HEADER: 'AZDO_SSH_KEY_MISSING_HEADER',
  MISSING_FOOTER: 'AZDO_SSH_KEY_MISSING_FOOTER',
  NOT_RSA: 'AZDO_SSH_KEY_NOT_RSA',
  PASSPHRASE_REQUIRED: 'AZDO_SSH_KEY_PASSPHRASE_REQUIRED',
  PASSPHRASE_WRONG: 'AZDO_SSH_KEY_PASSPHRASE_WRONG',
  TOO_SHORT: 'AZDO_SSH_KEY_TOO_SHORT',
  MALFORMED: 'AZDO_SSH_KEY_MALFORMED',
  FILE_EXISTS: 'AZDO_SSH_KEY_FILE_EXISTS',
  FILE_UNWRITABLE: 'AZDO_SSH_KEY_FILE_UNWRITABLE',
  DATE_INVALID: 'AZDO_SSH_KEY_DATE_INVALID',
} as const;

/** Azure DevOps accepts no shorter key in practice, and NIST retired RSA-1024 years ago. */
export const MIN_RSA_BITS = 2048;

const NEW_RSA_KEY = 'Create an RSA key with `ssh-keygen -t rsa -b 4096`, or let azdo-connect generate one.';
const COPY_WHOLE_FILE =
  'Copy the whole private key file (for example ~/.ssh/id_rsa), from its -----BEGIN line to its -----END line included.';

export const SshKeyErrors = {
  isPublic: (what: string): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.IS_PUBLIC,
      `This is a public key (${what}), not a private key.`,
      'Paste the private key: the file without .pub (for example ~/.ssh/id_rsa, not ~/.ssh/id_rsa.pub). ' +
        'Its first line is -----BEGIN OPENSSH PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----.',
    ),

  isPrivate: (): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.IS_PRIVATE,
      'This is a private key, where the public key was expected.',
      'Paste the public key: the .pub file (one line starting with ssh-rsa AAAA). Keep the private key to yourself; ' +
        'if you pasted it somewhere others can see, create a new key pair.',
    ),

  missingHeader: (expected: string | undefined): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.MISSING_HEADER,
      expected
        ? `The private key's first line, ${expected}, is missing.`
        : 'The private key has no -----BEGIN ... PRIVATE KEY----- first line and no -----END ... PRIVATE KEY----- last line.',
      COPY_WHOLE_FILE,
    ),

  missingFooter: (expected: string): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.MISSING_FOOTER,
      `The private key's last line, ${expected}, is missing: the key was cut short.`,
      COPY_WHOLE_FILE,
    ),

  notRsa: (typeName: string): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.NOT_RSA,
      `This is ${article(typeName)} ${typeName} key; Azure DevOps accepts RSA keys only.`,
      NEW_RSA_KEY,
      { keyType: typeName },
    ),

  tooShort: (bits: number): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.TOO_SHORT,
      `This RSA key has only ${bits} bits; at least ${MIN_RSA_BITS} are needed.`,
      NEW_RSA_KEY,
      { bits },
    ),

  passphraseRequired: (): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.PASSPHRASE_REQUIRED,
      'This private key is protected by a passphrase, and none was given.',
      "Enter the key's passphrase too. It is used once to unlock the key and is not stored; the vault encrypts the key instead.",
    ),

  passphraseWrong: (): AzdoError =>
    new AzdoError(
      SshKeyErrorCodes.PASSPHRASE_WRONG,
      'The passphrase does not unlock this private key.',
      'Check the passphrase (it is case-sensitive) and that it belongs to this key. ' +
        '`ssh-keygen -y -f <key file>` asks for it and tells whether it is right.',
    ),

  malformed: (message: string, hint = `${COPY_WHOLE_FILE} Keys in OpenSSH, PEM (PKCS#1) and PKCS#8 formats are accepted.`): AzdoError =>
    new AzdoError(SshKeyErrorCodes.MALFORMED, message, hint),
};

/** "an Ed25519", "a DSA": key type names are read letter by letter, so the first letter's sound decides. */
function article(name: string): string {
  return /^[AEFHILMNORSX]/.test(name) ? 'an' : 'a';
}

/** Human names for SSH key type identifiers, for "This is an ... key". */
export function sshKeyTypeName(identifier: string): string {
  if (identifier === 'ssh-ed25519') return 'Ed25519';
  if (identifier === 'ssh-ed448') return 'Ed448';
  if (identifier.startsWith('ecdsa-sha2-')) return `ECDSA (${identifier.slice('ecdsa-sha2-'.length)})`;
  if (identifier === 'ssh-dss') return 'DSA';
  if (identifier.startsWith('sk-ssh-ed25519')) return 'Ed25519 security-key (FIDO)';
  if (identifier.startsWith('sk-ecdsa-sha2-')) return 'ECDSA security-key (FIDO)';
  return `"${identifier.slice(0, 60)}"`;
}
