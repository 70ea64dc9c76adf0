/**
 * The OpenSSH options every azdo-connect ssh run uses: this key only, no agent, no user or system config, no prompt,
 * and only the pinned host keys in `knownHostsFile` (never "accept new"). The doctor and git remotes both build on it.
 */
export function lockedDownSshOptions(keyFile: string, knownHostsFile: string): string[] {
  return [
    '-F', '/dev/null',
    '-i', keyFile,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'IdentityAgent=none',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHostsFile}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
  ];
}
