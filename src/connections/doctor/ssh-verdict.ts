import type { CheckRecorder } from './check-recorder.js';
import { DoctorCodes } from './doctor-codes.js';
import type { ProcessResult } from './ssh-host-keys.js';

export const KEY_REJECTED_HINT =
  'The public key is not in User settings > SSH public keys of the account that can read this repository: add the connection\'s public key there. Azure DevOps also refuses keys more than a year old, and non-RSA keys.';

export type Verdict = 'accepted' | 'rejected' | 'hostKey' | 'notFound' | 'disabled' | 'unreachable' | 'other';

// What OpenSSH and Azure DevOps print (FACTS §6), in the order that decides: a line that says the key was accepted
// wins over the generic failures git adds after it.
const VERDICTS: ReadonlyArray<readonly [Verdict, RegExp]> = [
  ['accepted', /Shell access is not supported/i],
  ['hostKey', /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i],
  ['rejected', /Permission denied \(publickey|Public key authentication failed/i],
  ['notFound', /TF401019/],
  ['disabled', /SSH authentication is disabled/i],
  ['unreachable', /Connection refused|Could not resolve hostname|timed out|No route to host|Network is unreachable|Connection closed by|kex_exchange_identification|Connection reset/i],
];

export function sshVerdict(stderr: string): Verdict {
  return VERDICTS.find(([, pattern]) => pattern.test(stderr))?.[0] ?? 'other';
}

function lastLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').pop() ?? '';
}

/** The line of stderr that carries the verdict: git adds generic "fatal: ... access rights" lines after it. */
function verdictLine(stderr: string, verdict: Verdict): string {
  const pattern = VERDICTS.find(([v]) => v === verdict)?.[1];
  const line = pattern ? stderr.split(/\r?\n/).find((l) => pattern.test(l)) : undefined;
  return line?.trim() ?? lastLine(stderr);
}

/** Reports a failed `ssh -T` or `git ls-remote` under the code its stderr calls for. */
export function failure(rec: CheckRecorder, id: string, verdict: Verdict, result: ProcessResult, where: string, ms: number, keyExpired?: string): void {
  const said = verdictLine(result.stderr, verdict);
  switch (verdict) {
    case 'rejected':
      rec.problem(
        'fail',
        id,
        DoctorCodes.sshKeyRejected,
        `Azure DevOps refused the SSH key: ${said || 'Permission denied (publickey).'}${keyExpired ? ` The key expired on ${keyExpired}.` : ''}`,
        KEY_REJECTED_HINT,
        ms,
      );
      return;
    case 'hostKey':
      rec.problem('fail', id, DoctorCodes.sshHostKeyMismatch, `OpenSSH refused the host key of ${where}: ${said}`, 'The server\'s host key changed while testing: test again, and if it persists, ask the server\'s administrator.', ms);
      return;
    case 'notFound':
      rec.problem(
        'fail',
        id,
        DoctorCodes.sshRepositoryNotFound,
        `${said.replace(/^remote:\s*/i, '')}`,
        'TF401019 means the repository does not exist or the account whose SSH key this is may not read it: check the project and repository names, and give that account Read access to the repository.',
        ms,
      );
      return;
    case 'disabled':
      rec.problem('fail', id, DoctorCodes.sshDisabled, `SSH is turned off for this organization: ${said.replace(/^remote:\s*/i, '')}`, 'An organization administrator turns on Organization settings > Policies > SSH authentication; or use HTTPS with a PAT.', ms);
      return;
    case 'unreachable':
      rec.problem('fail', id, DoctorCodes.sshUnreachable, `The SSH connection to ${where} failed: ${said}`, 'Check the network between this machine and the SSH port, then test again.', ms);
      return;
    default:
      rec.problem(
        'fail',
        id,
        DoctorCodes.sshFailed,
        `SSH to ${where} failed${result.timedOut ? ' (no answer in time)' : ''}: ${said || `exit code ${String(result.code)}`}`,
        'Run the test again; if it persists, compare with `ssh -vT` from a terminal with the same key.',
        ms,
      );
  }
}

