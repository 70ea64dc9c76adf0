// What git prints, read into progress steps and error codes. The lines are git's, OpenSSH's and Azure DevOps' own.
import { describe, expect, it } from 'vitest';
import { classifyGitFailure, gitFailure, reasonLine } from '../../src/git/git-errors.js';
import { ProgressParser } from '../../src/git/git-progress.js';

describe('progress', () => {
  it('reads lines rewritten with \\r, remote ones too, across chunk boundaries, without repeats', () => {
    const parser = new ProgressParser();
    const steps = [
      ...parser.push('Cloning into bare repository \'x\'...\nremote: Counting objects:  50% (1/2)\rremote: Counting objects: 100% (2/2)'),
      ...parser.push(', done.\nReceiving objects:  33% (1/3)\rReceiving obj'),
      ...parser.push('ects:  33% (1/3), 1.00 MiB | 2.00 MiB/s\rReceiving objects: 100% (3/3), done.\nResolving deltas: 100% (1/1), done.\n'),
    ];
    expect(steps.map((s) => `${s.phase} ${s.percent} ${s.done}/${s.total}`)).toEqual([
      'counting 50 1/2',
      'counting 100 2/2',
      'receiving 33 1/3',
      'receiving 100 3/3',
      'resolving 100 1/1',
    ]);
  });
});

describe('failures', () => {
  const context = { repository: 'Fiber/web', where: 'https://dev.azure.com/fabrikam/Fiber/_git/web', transport: 'https' as const, connection: 'prod' };

  it.each([
    ["remote: TF401019: The Git repository with name or identifier web does not exist or you do not have permissions for the operation you are attempting.\nfatal: repository 'https://dev.azure.com/x/' not found", 'notFound'],
    ["fatal: could not read Username for 'https://dev.azure.com': terminal prompts disabled", 'auth'],
    ["fatal: unable to access 'https://dev.azure.com/x/': The requested URL returned error: 403", 'auth'],
    ['git@ssh.dev.azure.com: Permission denied (publickey).\nfatal: Could not read from remote repository.', 'sshKeyRejected'],
    ['@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed.', 'hostKey'],
    ['No RSA host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.', 'hostKey'],
    ['fatal: write error: No space left on device\nfatal: index-pack failed', 'diskFull'],
    ['error: RPC failed; HTTP 503 curl 22 The requested URL returned error: 503\nfatal: expected flush after ref listing', 'transient'],
    ['error: RPC failed; curl 56 GnuTLS recv error (-9): Error decoding the received TLS packet.\nfatal: early EOF', 'transient'],
    ["fatal: unable to access 'https://tfs.example.com/': server certificate verification failed. CAfile: none", 'tls'],
    ['fatal: something nobody has seen before', 'other'],
  ])('%s → %s', (stderr, kind) => {
    expect(classifyGitFailure(stderr)).toBe(kind);
  });

  it('quotes the line that says why, not git\'s generic last line', () => {
    const stderr = 'git@ssh.dev.azure.com: Permission denied (publickey).\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights';
    expect(reasonLine(stderr, 'sshKeyRejected')).toBe('git@ssh.dev.azure.com: Permission denied (publickey).');
    const error = gitFailure('remote: TF401019: The Git repository with name or identifier web does not exist.\nfatal: x', 128, context);
    expect(error.code).toBe('AZDO_REPOSITORY_NOT_FOUND');
    expect(error.message).toContain('TF401019: The Git repository');
    expect(error.message).not.toMatch(/remote:|fatal:/);
  });

  it('names the connection in the hint for a refused credential', () => {
    expect(gitFailure("fatal: Authentication failed for 'https://dev.azure.com/x/'", 128, context).hint).toContain('azdo-connect connection test prod');
  });
});
