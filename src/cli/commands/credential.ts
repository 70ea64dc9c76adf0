// `credential get|store|erase`: git's credential helper protocol on stdin and stdout. stdout carries only the
// answer git reads; trouble goes to stderr and the exit code stays 0, so git falls back to its other helpers.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openConnectionService } from '../../connections/open-connection-service.js';
import { answerCredentialRequest, formatCredentialAnswer, parseCredentialRequest } from '../../git/credential-helper.js';
import { SQLITE_FILE_NAME } from '../../store/open-store.js';
import { storeOptionsFromEnv } from '../../store/store-options-from-env.js';
import { redact, registerSecret } from '../cli-output.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function runCredential(operation: string): Promise<void> {
  const input = await readStdin();
  process.exitCode = 0;
  // store and erase: the connection owns the credential; git's opinion of it changes nothing.
  if (operation !== 'get') return;
  const location = storeOptionsFromEnv();
  // git runs helpers in the repository's folder: opening the default ./data there would create a store in it.
  if (!location.databaseUrl && !existsSync(path.join(location.dataDir, SQLITE_FILE_NAME))) return;
  try {
    const service = await openConnectionService();
    try {
      const answer = await answerCredentialRequest(service, parseCredentialRequest(input));
      if (answer) {
        registerSecret(answer.password);
        process.stdout.write(formatCredentialAnswer(answer));
      }
    } finally {
      await service.close();
    }
  } catch (error) {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`${redact(`azdo-connect credential: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`)}\n`);
  }
}
