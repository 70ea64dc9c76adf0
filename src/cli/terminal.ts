// Questions to the person at the terminal: hidden secrets and confirmations. Prompts go to stderr, so stdout stays
// the command's result (and valid JSON with --json). @inquirer/prompts is loaded only when a question is asked.
import { AzdoError } from '../errors/azdo-error.js';
import { CLI_CANCELLED, registerSecret } from './cli-output.js';

/** Someone can answer: input comes from a terminal and the question can be seen. */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

export function cancelled(what = 'The command'): AzdoError {
  return new AzdoError(CLI_CANCELLED, `${what} was cancelled; nothing was changed.`, 'Run it again when ready.');
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/** Reads a secret without echoing it (each character shows as *). */
export async function askSecret(message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  try {
    const value = await password({ message, mask: '*' }, { output: process.stderr });
    registerSecret(value);
    return value;
  } catch (error) {
    if (isPromptExit(error)) throw cancelled();
    throw error;
  }
}

export async function askConfirm(message: string, defaultAnswer = false): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm({ message, default: defaultAnswer }, { output: process.stderr });
  } catch (error) {
    if (isPromptExit(error)) throw cancelled();
    throw error;
  }
}
