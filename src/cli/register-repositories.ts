// `azdo-connect repos ...`, `repo ...`, `resolve` and `credential`: repositories through a connection.
import { Option, type Command } from 'commander';
// Types only: erased when compiled, so they load nothing.
import type { RepoCommitsOptions } from './commands/repo-commits.js';
import type { RepoFetchOptions } from './commands/repo-fetch.js';
import type { RepoSnapshotOptions } from './commands/repo-snapshot.js';
import { collect, nonNegative, positive } from './cli-arguments.js';

export function registerRepositories(program: Command): void {
  // Repositories: browse through a connection, choose which repositories it may use, resolve any URL. Every
  // command that takes a repository accepts any of its URLs (clone, web, branch, commit, file, pull request), or
  // "project/repository" with --connection. Other `repo` subcommands attach to the `repo` command defined here.
  const REPOSITORY_ARGUMENT = 'any URL of the repository (HTTPS or SSH clone URL, web URL), or project/repository with --connection';
  const CONNECTION_OPTION = 'the connection to use (name or id); default: the one matching the URL, or the only connection';

  const repos = program.command('repos').description('The repositories a connection reaches, and which of them it may be used for.');

  repos
    .command('list')
    .description('List the repositories of the connection\'s organization or collection (one request): state (empty, disabled), default branch, URL.')
    .option('--connection <connection>', CONNECTION_OPTION)
    .option('--project <project>', 'only this project\'s repositories')
    .option('--all', 'also the repositories the connection\'s selection leaves out (with a SELECTED column)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { connection?: string; project?: string; all?: boolean; json?: boolean }) => {
      const { runReposList } = await import('./commands/repos-list.js');
      await runReposList(options);
    });

  repos
    .command('select')
    .description('Choose the repositories a connection may be used for: all, or a list. Without a choice, shows the current one.')
    .argument('<connection>', 'name or id')
    .option('--all', 'every repository the connection reaches (the default)')
    .option('--repo <repository>', 'exactly these repositories: project/repository or a URL (repeat for more)', collect)
    .option('--add <repository>', 'add a repository to the list (repeat for more)', collect)
    .option('--remove <repository>', 'remove a repository from the list (repeat for more)', collect)
    .option('--json', 'print the result as JSON')
    .action(async (name: string, options: { all?: boolean; repo?: string[]; add?: string[]; remove?: string[]; json?: boolean }) => {
      const { runReposSelect } = await import('./commands/repos-select.js');
      await runReposSelect(name, options);
    });

  const repo = program.command('repo').description('One repository: branches, pull requests, files, its mirror, commits and snapshots.');

  repo
    .command('branches')
    .description('List a repository\'s branches (default branch first), or its tags with --tags.')
    .argument('<repository>', REPOSITORY_ARGUMENT)
    .option('--connection <connection>', CONNECTION_OPTION)
    .option('--tags', 'list tags instead of branches')
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, options: { connection?: string; tags?: boolean; json?: boolean }) => {
      const { runRepoBranches } = await import('./commands/repo-branches.js');
      await runRepoBranches(repository, options);
    });

  repo
    .command('prs')
    .description('List a repository\'s pull requests by status, or show one with its commits (--id, or a pull request URL).')
    .argument('<repository>', `${REPOSITORY_ARGUMENT}; a pull request URL shows that pull request`)
    .option('--connection <connection>', CONNECTION_OPTION)
    .addOption(new Option('--status <status>', 'which pull requests to list').choices(['active', 'completed', 'abandoned', 'all']).default('active'))
    .option('--id <n>', 'show this pull request and its commits', positive)
    .option('--top <n>', 'list at most this many', positive)
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, options: { connection?: string; status?: 'active' | 'completed' | 'abandoned' | 'all'; id?: number; top?: number; json?: boolean }) => {
      const { runRepoPrs } = await import('./commands/repo-prs.js');
      await runRepoPrs(repository, options);
    });

  repo
    .command('tree')
    .description('List the files and folders of a repository at a ref (default: the URL\'s, else the default branch).')
    .argument('<repository>', REPOSITORY_ARGUMENT)
    .option('--connection <connection>', CONNECTION_OPTION)
    .option('--ref <ref>', 'a branch, tags/NAME for a tag, or a full commit id')
    .option('--path <path>', 'a folder, from the root (default /)')
    .option('-r, --recursive', 'everything under the folder, not one level')
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, options: { connection?: string; ref?: string; path?: string; recursive?: boolean; json?: boolean }) => {
      const { runRepoTree } = await import('./commands/repo-tree.js');
      await runRepoTree(repository, options);
    });

  repo
    .command('file')
    .description('Print a file of a repository at a ref, byte for byte (or write it with --out).')
    .argument('<repository>', `${REPOSITORY_ARGUMENT}; a file URL names the file`)
    .option('--connection <connection>', CONNECTION_OPTION)
    .option('--ref <ref>', 'a branch, tags/NAME for a tag, or a full commit id')
    .option('--path <path>', 'the file, from the root (e.g. /src/app.ts)')
    .option('--out <file>', 'write the content to this file')
    .option('--json', 'print the result as JSON (content as text, or base64 for binary files)')
    .action(async (repository: string, options: { connection?: string; ref?: string; path?: string; out?: string; json?: boolean }) => {
      const { runRepoFile } = await import('./commands/repo-file.js');
      await runRepoFile(repository, options);
    });

  program
    .command('resolve')
    .description('Show what an Azure DevOps URL names, fetched through the matching connection: a repository, branch (with its tip), tag, commit, file, folder or pull request (with its commits).')
    .argument('<url>', 'a clone URL (HTTPS or SSH) or a web URL')
    .option('--connection <connection>', 'the connection to use when several reach the URL\'s organization or collection')
    .option('--json', 'print the result as JSON')
    .action(async (url: string, options: { connection?: string; json?: boolean }) => {
      const { runResolve } = await import('./commands/resolve.js');
      await runResolve(url, options);
    });

  // Mirrors and commits (git on this machine), and the git credential helper.
  repo
    .command('fetch')
    .description('Keep a bare mirror of the repository in the data directory: cloned the first time, fetched incrementally after. One fetch per mirror at a time; a progress bar shows on a terminal.')
    .argument('<repository>', REPOSITORY_ARGUMENT)
    .option('--connection <connection>', CONNECTION_OPTION)
    .addOption(new Option('--filter <filter>', 'first fetch only: a partial clone whose file contents are fetched when first needed').choices(['blob:none']))
    .option('--no-wait', 'fail with AZDO_MIRROR_BUSY instead of waiting while another fetch of this repository runs')
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, options: RepoFetchOptions) => {
      const { runRepoFetch } = await import('./commands/repo-fetch.js');
      await runRepoFetch(repository, options);
    });

  repo
    .command('commits')
    .description('List the commits of a branch from the mirror (fetched first if there is none), newest first; hidden commits are left out. --hide/--unhide mark commits instead.')
    .argument('<repository>', REPOSITORY_ARGUMENT)
    .option('--connection <connection>', CONNECTION_OPTION)
    .option('--branch <branch>', 'the branch (default: the URL\'s, else the default branch)')
    .option('--top <n>', 'at most this many commits (default 100)', positive)
    .option('--skip <n>', 'skip this many commits first', nonNegative)
    .option('--show-hidden', 'list hidden commits too, marked (hidden)')
    .option('--hide <commit>', 'hide this commit from listings (kept in the mirror; repeat for more)', collect)
    .option('--unhide <commit>', 'show a hidden commit again (repeat for more)', collect)
    .option('--fetch', 'fetch the repository before listing')
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, options: RepoCommitsOptions) => {
      const { runRepoCommits } = await import('./commands/repo-commits.js');
      await runRepoCommits(repository, options);
    });

  // Snapshots: one commit's tree as a .tar.gz.
  repo
    .command('snapshot')
    .description('Write one commit\'s tree as a .tar.gz: without what .azdoignore at its root names, with git submodules (fetched through the same connection, or the workspace\'s connection to their organization). The mirror is fetched first, so a branch is current.')
    .argument('<repository>', REPOSITORY_ARGUMENT)
    .argument('[ref]', 'a branch, tag or commit id (default: the URL\'s, else the default branch)')
    .requiredOption('--out <file>', 'the .tar.gz to write (replaced once the new one is complete)')
    .option('--connection <connection>', CONNECTION_OPTION)
    .option('--allow-missing-submodules', 'write the snapshot even if some submodules cannot be fetched (their folders stay empty; they are still reported)')
    .option('--no-fetch', 'use the mirror as it is (fetched only if there is none, or it lacks the ref)')
    .option('--json', 'print the result as JSON')
    .action(async (repository: string, ref: string | undefined, options: RepoSnapshotOptions) => {
      const { runRepoSnapshot } = await import('./commands/repo-snapshot.js');
      await runRepoSnapshot(repository, ref, options);
    });

  program
    .command('credential')
    .description('A git credential helper: answers git with the matching connection\'s PAT or Entra token. Set it up with: git config --global credential.helper \'!azdo-connect credential\'')
    .argument('<operation>', 'get, store or erase (git passes it)')
    .action(async (operation: string) => {
      const { runCredential } = await import('./commands/credential.js');
      await runCredential(operation);
    });
}
