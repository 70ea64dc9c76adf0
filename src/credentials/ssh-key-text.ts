import { SshKeyErrors } from './ssh-key-errors.js';

/** A PEM-style block read from pasted text, rebuilt in its canonical form. */
export interface ArmoredKey {
  /** `OPENSSH PRIVATE KEY`, `RSA PRIVATE KEY`, `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, ... */
  label: string;
  /** RFC 1421 headers such as `Proc-Type` and `DEK-Info`, which legacy encrypted PEM keys carry. */
  headers: Record<string, string>;
  der: Buffer;
  /** The block with LF line ends, 64-column base64 and a final newline, which every parser accepts. */
  pem: string;
}

const MARKER = /-{4,5}\s*(BEGIN|END)\s+([A-Z0-9 ]+?)\s*-{4,5}/g;
/** An OpenSSH public key or certificate line, possibly with authorized_keys options before it. */
const OPENSSH_PUBLIC = /(?:^|\s)((?:ssh|ecdsa|sk)-[a-z0-9@.-]+)\s+AAAA[A-Za-z0-9+/]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

interface Marker {
  kind: 'BEGIN' | 'END';
  label: string;
  start: number;
  end: number;
}

/** Undoes what copying does to a key: CRLF or CR line ends, a BOM, and `\n` escapes from JSON or .env files. */
export function normalizeKeyText(text: string): string {
  let t = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!t.includes('\n') && t.includes('\\n')) t = t.replace(/\\r\\n|\\n/g, '\n');
  return t.trim();
}

export function findOpenSshPublicKeyType(text: string): string | undefined {
  return OPENSSH_PUBLIC.exec(text)?.[1];
}

function markersOf(text: string): Marker[] {
  return [...text.matchAll(MARKER)].map((m) => ({
    kind: m[1] as 'BEGIN' | 'END',
    label: m[2]!,
    start: m.index,
    end: m.index + m[0].length,
  }));
}

function wrap(base64: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += width) lines.push(base64.slice(i, i + width));
  return lines.join('\n');
}

/** Explains text that holds no private key block at all. */
function explainNoPrivateBlock(text: string, markers: Marker[]): never {
  const publicMarker = markers.find((m) => m.label.includes('PUBLIC KEY'));
  if (publicMarker) {
    const line = publicMarker.label.startsWith('SSH2') ? `---- BEGIN ${publicMarker.label} ----` : `-----BEGIN ${publicMarker.label}-----`;
    throw SshKeyErrors.isPublic(line);
  }
  const publicType = findOpenSshPublicKeyType(text);
  if (publicType) throw SshKeyErrors.isPublic(`${publicType} AAAA...`);
  if (markers.some((m) => m.label.includes('CERTIFICATE'))) {
    throw SshKeyErrors.malformed('This is a certificate, not an SSH private key.');
  }
  const other = markers[0];
  if (other) throw SshKeyErrors.malformed(`A "${other.label}" block is not an SSH private key.`);
  // Header and footer both cut: what is left is a run of base64.
  if (text.length >= 64 && BASE64.test(text.replace(/\s+/g, ''))) throw SshKeyErrors.missingHeader(undefined);
  throw SshKeyErrors.malformed('This is not an SSH private key.');
}

/**
 * Finds the one private key block in pasted text and rebuilds it canonically: stray indentation, trailing spaces,
 * blank lines, CRLF, a missing final newline, other line widths and even a key flattened onto one line are
 * normalised; text before and after the block (a shell prompt, the public key) is ignored. What cannot be repaired
 * is explained with its own error.
 */
export function readArmoredPrivateKey(input: string): ArmoredKey {
  const text = normalizeKeyText(input);
  if (text === '') throw SshKeyErrors.malformed('The private key is empty.');
  if (/^\s*PuTTY-User-Key-File-\d+:/m.test(text)) {
    throw SshKeyErrors.malformed(
      'This is a PuTTY key (.ppk), which azdo-connect cannot read.',
      'Convert it in PuTTYgen (Conversions > Export OpenSSH key), or run `puttygen key.ppk -O private-openssh -o id_rsa`, and paste that file.',
    );
  }

  const markers = markersOf(text);
  const privateMarkers = markers.filter((m) => m.label.endsWith('PRIVATE KEY'));
  if (privateMarkers.length === 0) explainNoPrivateBlock(text, markers);

  const begins = privateMarkers.filter((m) => m.kind === 'BEGIN');
  const ends = privateMarkers.filter((m) => m.kind === 'END');
  if (begins.length > 1 || ends.length > 1) {
    throw SshKeyErrors.malformed('The text holds more than one private key.', 'Paste a single private key file.');
  }
  const begin = begins[0];
  const end = ends[0];
  if (!begin) throw SshKeyErrors.missingHeader(`-----BEGIN ${end!.label}-----`);
  if (!end) throw SshKeyErrors.missingFooter(`-----END ${begin.label}-----`);
  if (end.start < begin.end) throw SshKeyErrors.malformed('The -----END line comes before the -----BEGIN line.');
  if (end.label !== begin.label) {
    throw SshKeyErrors.malformed(`The first line names "${begin.label}" but the last line names "${end.label}".`);
  }

  // Tokens rather than lines, so a key whose line breaks became spaces reads the same.
  const tokens = text.slice(begin.end, end.start).split(/\s+/).filter((t) => t !== '');
  const headers: Record<string, string> = {};
  while (tokens.length >= 2 && /^[A-Za-z][A-Za-z0-9-]*:$/.test(tokens[0]!)) {
    const name = tokens.shift()!.slice(0, -1);
    headers[name] = tokens.shift()!;
  }
  const base64 = tokens.join('');
  if (base64 === '' || !BASE64.test(base64) || base64.length % 4 !== 0) {
    throw SshKeyErrors.malformed(
      'The lines between -----BEGIN and -----END are damaged: some characters are missing or are not base64.',
    );
  }
  const headerText = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\n`)
    .join('');
  const pem =
    `-----BEGIN ${begin.label}-----\n${headerText}${headerText ? '\n' : ''}${wrap(base64, 64)}\n-----END ${begin.label}-----\n`;
  return { label: begin.label, headers, der: Buffer.from(base64, 'base64'), pem };
}
