// How every command prints: results to stdout (JSON with --json, text otherwise), errors with their code and hint,
// and exit codes scripts can rely on. Every write passes through a redactor that knows each secret the command read.
import { AzdoError } from '../errors/azdo-error.js';
import { errorCategory, UNEXPECTED, type ErrorCategory } from '../errors/error-category.js';

/** Documented in docs/cli.md; scripts depend on them, so they never change meaning. */
export const ExitCode = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  INPUT_INVALID: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  TEST_FAILED: 6,
  CANCELLED: 7,
} as const;

export const CLI_USAGE = 'AZDO_CLI_USAGE';
export const CLI_CANCELLED = 'AZDO_CLI_CANCELLED';
export const CLI_CONFIRMATION_REQUIRED = 'AZDO_CLI_CONFIRMATION_REQUIRED';
export const CLI_SECRET_MISSING = 'AZDO_CLI_SECRET_MISSING';
export const CLI_FILE_UNREADABLE = 'AZDO_CLI_FILE_UNREADABLE';
export const CLI_ENV_MISSING = 'AZDO_CLI_ENV_MISSING';
export { UNEXPECTED };

const EXIT_CODE: Record<ErrorCategory, number> = {
  usage: ExitCode.USAGE,
  input: ExitCode.INPUT_INVALID,
  not_found: ExitCode.NOT_FOUND,
  unavailable: ExitCode.NOT_FOUND,
  conflict: ExitCode.CONFLICT,
  cancelled: ExitCode.CANCELLED,
  unauthenticated: ExitCode.UNEXPECTED,
  forbidden: ExitCode.UNEXPECTED,
  too_large: ExitCode.INPUT_INVALID,
  rate_limited: ExitCode.UNEXPECTED,
  upstream: ExitCode.UNEXPECTED,
  unexpected: ExitCode.UNEXPECTED,
};

export function exitCodeOf(error: unknown): number {
  return EXIT_CODE[errorCategory(error)];
}

const secrets = new Set<string>();

/**
 * Remembers a secret this process read (from a file, the environment or a prompt), so that no output can carry it,
 * even through an error message that quotes its input. Lines of multi-line secrets (private keys) count on their own.
 */
export function registerSecret(value: string): void {
  for (const part of [value.trim(), ...value.split(/\r?\n/).map((l) => l.trim())]) {
    // Short fragments (a PEM dash line, a one-letter value) would black out ordinary words.
    if (part.length >= 8 && !/^-+(BEGIN|END)/.test(part)) secrets.add(part);
  }
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a whole key is replaced before one of its lines.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('[redacted]');
  return out;
}

/** Which options set a field the service names, so a human sees what to change on the command line. */
const FIELD_OPTIONS: Record<string, string> = {
  name: '--name',
  description: '--description',
  labels: '--label',
  url: '--url',
  kind: '--kind',
  credential: '--pat-file, --pat-env, --ssh-key-file, --generate-ssh-key, --tenant-id',
  'credential.token': '--pat-file or --pat-env',
  'credential.expiresAt': '--pat-expires',
  'credential.privateKey': '--ssh-key-file or --ssh-key-env',
  'credential.passphrase': '--ssh-key-passphrase-file or --ssh-key-passphrase-env',
  'credential.registeredAt': '--ssh-key-registered',
  'credential.tenantId': '--tenant-id',
  'credential.clientId': '--client-id',
  'credential.clientSecret': '--client-secret-file or --client-secret-env',
  'credential.authority': '--authority',
  'tls.caBundle': '--ca-file',
  'ssh.port': '--ssh-port',
  'ssh.knownHosts': '--known-hosts-file',
  sshKeyOut: '--ssh-key-out',
  out: '--out',
};

function optionsFor(field: string): string | undefined {
  return FIELD_OPTIONS[field] ?? (field.startsWith('customHeaders.') ? '--header, --secret-header-file, --secret-header-env' : undefined);
}

interface ErrorJson {
  code: string;
  message: string;
  hint: string;
  field?: string;
  fields?: Array<{ field: string; code: string; message: string; hint: string }>;
}

function errorJson(error: unknown): ErrorJson {
  if (error instanceof AzdoError) {
    const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
    const fields = Array.isArray(error.details?.fields) && error.code === 'AZDO_CONNECTION_INVALID' ? (error.details.fields as ErrorJson['fields']) : undefined;
    return { code: error.code, message: error.message, hint: error.hint, ...(field ? { field } : {}), ...(fields ? { fields } : {}) };
  }
  return {
    code: UNEXPECTED,
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    hint: 'This is a bug in azdo-connect. Report it with the command you ran (leave secrets out); set AZDO_CONNECT_DEBUG=1 to see the stack trace.',
  };
}

export interface OutputStreams {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export class CliOutput {
  readonly json: boolean;
  readonly #streams: OutputStreams;

  constructor(json: boolean, streams: OutputStreams = { out: process.stdout, err: process.stderr }) {
    this.json = json;
    this.#streams = streams;
  }

  /** A result line for people (stdout); nothing in JSON mode, where `result` prints the whole answer. */
  print(text = ''): void {
    if (!this.json) this.#streams.out.write(`${redact(text)}\n`);
  }

  /** Progress and advice for people (stderr), so stdout stays the result; nothing in JSON mode. */
  note(text: string): void {
    if (!this.json) this.#streams.err.write(`${redact(text)}\n`);
  }

  /** The one JSON document a command prints with --json. */
  result(value: unknown): void {
    if (this.json) this.#streams.out.write(`${redact(JSON.stringify(value, null, 2))}\n`);
  }

  /** Prints the error (code, message, field, hint) and returns the exit code it means. */
  fail(error: unknown): number {
    const e = errorJson(error);
    if (this.json) {
      this.#streams.out.write(`${redact(JSON.stringify({ error: e }, null, 2))}\n`);
    } else {
      const lines = [`Error ${e.code}: ${e.message}`];
      if (e.fields) {
        for (const f of e.fields) {
          const options = optionsFor(f.field);
          lines.push(`  ${f.field}${options ? ` (${options})` : ''}: ${f.message}`, `    hint: ${f.hint}`);
        }
      } else {
        if (e.field) {
          const options = optionsFor(e.field);
          lines.push(`  field: ${e.field}${options ? ` (${options})` : ''}`);
        }
        lines.push(`  hint: ${e.hint}`);
      }
      this.#streams.err.write(`${redact(lines.join('\n'))}\n`);
    }
    if (!(error instanceof AzdoError) && process.env.AZDO_CONNECT_DEBUG && error instanceof Error && error.stack) {
      this.#streams.err.write(`${redact(error.stack)}\n`);
    }
    return exitCodeOf(error);
  }
}

/** Runs a command's body and sets the exit code; the body returns a non-zero code for outcomes that are not errors. */
export async function runCommand(options: { json?: boolean }, body: (out: CliOutput) => Promise<number | void>): Promise<void> {
  const out = new CliOutput(options.json === true);
  try {
    process.exitCode = (await body(out)) ?? ExitCode.OK;
  } catch (error) {
    process.exitCode = out.fail(error);
  }
}
