// Secrets reach the CLI from a file, an environment variable or a hidden prompt: never from an option's value, where
// they would show in the process list and the shell history.
import { readFile } from 'node:fs/promises';
import { AzdoError } from '../errors/azdo-error.js';
import { CLI_ENV_MISSING, CLI_FILE_UNREADABLE, CLI_SECRET_MISSING, registerSecret } from './cli-output.js';
import { askSecret, canPrompt } from './terminal.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * How an option's argument appears in a message. A file name is shown, unless it could be a token typed by mistake
 * in its place (long, and without the dots or slashes of a path): that one is described, not repeated.
 */
function shown(path: string): string {
  return path.length < 48 || /[./\\]/.test(path) ? path : '(the name given)';
}

/** Reads a whole text file named on the command line; `field` says which input it is for. */
export async function readTextFile(path: string, field: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : `error ${code ?? 'unknown'}`;
    throw new AzdoError(
      CLI_FILE_UNREADABLE,
      `The file given to ${option} (${shown(path)}) cannot be read: ${reason}.`,
      `Check the path given to ${option}; a relative path starts from the current folder.`,
      { field },
    );
  }
}

export interface SecretSource {
  /** The input field the secret is for, e.g. credential.token. */
  field: string;
  /** What it is, in words: "the personal access token". */
  what: string;
  file?: string | undefined;
  env?: string | undefined;
  fileOption: string;
  envOption: string;
  /** The question to ask at a terminal when neither a file nor a variable was given; no prompt when absent. */
  prompt?: string;
}

/** The secret from its file, its variable or the prompt; undefined when none was given and none could be asked. */
export async function readSecret(source: SecretSource): Promise<string | undefined> {
  let value: string | undefined;
  if (source.file !== undefined && source.env !== undefined) {
    throw new AzdoError(
      CLI_SECRET_MISSING,
      `Both ${source.fileOption} and ${source.envOption} were given for ${source.what}.`,
      'Give only one of them.',
      { field: source.field },
    );
  }
  if (source.file !== undefined) {
    value = await readTextFile(source.file, source.field, source.fileOption);
  } else if (source.env !== undefined) {
    // The value is never repeated: someone may have given the secret itself instead of the variable's name.
    if (!ENV_NAME.test(source.env)) {
      throw new AzdoError(
        CLI_ENV_MISSING,
        `${source.envOption} takes the name of an environment variable, and what was given is not one.`,
        `Put ${source.what} in an environment variable and give its name, e.g. ${source.envOption} AZDO_PAT (not $AZDO_PAT).`,
        { field: source.field },
      );
    }
    value = process.env[source.env];
    if (value === undefined || value.trim() === '') {
      throw new AzdoError(
        CLI_ENV_MISSING,
        `The environment variable named by ${source.envOption} is not set, or is empty.`,
        `Export it before running the command (and give its name, not its value, to ${source.envOption}).`,
        { field: source.field },
      );
    }
  } else if (source.prompt !== undefined && canPrompt()) {
    value = await askSecret(source.prompt);
  }
  if (value !== undefined) registerSecret(value);
  return value;
}

export function secretMissing(field: string, what: string, options: string): AzdoError {
  return new AzdoError(
    CLI_SECRET_MISSING,
    `No ${what} was given, and there is no terminal to ask for it.`,
    `Give it with ${options}; secrets are never taken as option values, so they stay out of the process list and shell history.`,
    { field },
  );
}
