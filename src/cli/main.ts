// The azdo-connect command line. Commands load their modules only when run, so `--help` stays fast: this file imports
// nothing but commander.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
// Types only: erased when compiled, so they load nothing.
import type { ConnectionAddOptions } from './commands/connection-add.js';
import type { ConnectionEditOptions } from './commands/connection-edit.js';
import type { ConnectionTestOptions } from './commands/connection-test.js';
import type { SecretsRotateKeyOptions } from './commands/secrets-rotate-key.js';
import type { RepoCommitsOptions } from './commands/repo-commits.js';
import type { RepoFetchOptions } from './commands/repo-fetch.js';
import type { RepoSnapshotOptions } from './commands/repo-snapshot.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port)');
  return n;
}

function sshPort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('must be a port number from 1 to 65535');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, 0 or more');
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const json = process.argv.includes('--json');

const program = new Command('azdo-connect')
  .description('Connect any product to Azure DevOps: connections, repositories and a local Azure DevOps simulator.')
  .showHelpAfterError()
  // Set before the commands are added, so every command inherits them: usage errors exit 2 (docs/cli.md), and with
  // --json they become one JSON error on stdout instead of text on stderr.
  .exitOverride()
  .configureOutput({
    writeErr: (text) => {
      if (!json) process.stderr.write(text);
    },
  });

program
  .command('simulator')
  .description('Run a local simulator of Azure DevOps Services and Server (REST, git over HTTP and SSH, Entra ID). Prints one line of JSON when ready.')
  .option('--port <n>', 'HTTP port (0 picks a free port)', port, 8081)
  .option('--ssh-port <n>', 'SSH port (0 picks a free port)', port, 2222)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--data <dir>', 'state directory (default: a temporary directory removed on exit)')
  .option('--seed <seed>', "'demo', 'empty' or a YAML/JSON seed file; applied to a new state directory only", 'demo')
  .option('--page-size <n>', 'items per page when a client does not ask for a page size', positive, 10)
  .option('--tls', 'serve HTTPS with a certificate from a generated CA (its file is in the ready line)')
  .option('--json', 'accepted for symmetry: the ready line is always JSON')
  .action(async (options: { port: number; sshPort: number; host: string; data?: string; seed: string; pageSize: number; tls?: boolean }) => {
    const { runSimulator } = await import('./simulator-command.js');
    await runSimulator(options);
  });

const ENVIRONMENT = `
Environment:
  AZDO_CONNECT_DATA        data directory (SQLite database and secret key file), default ./data
  DATABASE_URL             postgres://... to keep connections in PostgreSQL instead
  AZDO_CONNECT_SECRET_KEY  the key that encrypts secrets (base64, 32 bytes); default: the data directory's secret.key

Secrets are read from files (--pat-file), environment variables (--pat-env) or a hidden prompt, never from option
values. Exit codes: 0 ok, 1 unexpected error, 2 usage error, 3 invalid input, 4 not found, 5 conflict,
6 connection test failed, 7 cancelled. See docs/cli.md.`;

/** The options `add` and `edit` share: credential, headers, TLS, SSH. */
function connectionOptions(command: Command): Command {
  return command
    .option('--description <text>', 'what the connection is for')
    .option('--label <label>', 'a label (repeat, or separate with commas)', collect)
    .addOption(new Option('--kind <kind>', 'services or server: checked against the URL').choices(['services', 'server']))
    .addOption(new Option('--credential <type>', 'which credential to ask for at the prompt').choices(['pat', 'ssh', 'service-principal']))
    .option('--pat-file <file>', 'read the personal access token from this file')
    .option('--pat-env <variable>', 'read the personal access token from this environment variable (give its name)')
    .option('--pat-expires <date>', "the PAT's expiry date, e.g. 2026-03-14 (Azure DevOps cannot be asked)")
    .option('--ssh-key-file <file>', 'an existing RSA private key (OpenSSH, PEM or PKCS#8)')
    .option('--ssh-key-env <variable>', 'read the RSA private key from this environment variable')
    .option('--ssh-key-passphrase-file <file>', "read the private key's passphrase from this file (used once, not stored)")
    .option('--ssh-key-passphrase-env <variable>', "read the private key's passphrase from this environment variable")
    .option('--ssh-key-registered <date>', 'when the public key was added to Azure DevOps (keys expire a year later)')
    .option('--generate-ssh-key', 'generate a new RSA 4096 key; prints the public key to add to Azure DevOps')
    .option('--ssh-key-out <file>', 'with --generate-ssh-key: where to write the private key (0600; never overwritten)')
    .option('--ssh-key-comment <text>', 'with --generate-ssh-key: the public key comment')
    .option('--tenant-id <id>', 'service principal: the Directory (tenant) ID')
    .option('--client-id <id>', 'service principal: the Application (client) ID')
    .option('--client-secret-file <file>', 'service principal: read the client secret from this file')
    .option('--client-secret-env <variable>', 'service principal: read the client secret from this environment variable')
    .option('--authority <url>', 'service principal: the Entra ID authority (default https://login.microsoftonline.com)')
    .option('--header <header>', "a custom HTTP header, 'Name: value' (not secret; repeat for more)", collect)
    .option('--secret-header-file <spec>', "a secret custom header, 'Name=file' with the value in the file", collect)
    .option('--secret-header-env <spec>', "a secret custom header, 'Name=VARIABLE' with the value in the variable", collect)
    .option('--secret-header-prompt <name>', 'a secret custom header whose value is asked at the prompt', collect)
    .option('--ca-file <file>', 'Server: a PEM CA bundle to trust for TLS (TLS checks are never turned off)')
    .option('--ssh-port <n>', 'Server: the SSH port (default 22)', sshPort)
    .option('--known-hosts-file <file>', "Server: known_hosts lines pinning the server's SSH host keys")
    .option('--trust-host-key <fingerprint>', 'when testing: pin an unknown SSH host key only if it is this SHA256:... fingerprint')
    .option('-y, --yes', 'when testing: pin an unknown SSH host key without asking')
    .option('--json', 'print the result as JSON (errors too)');
}

const connection = program.command('connection').description('Add, test and manage connections to Azure DevOps organizations and collections.');

connectionOptions(
  connection
    .command('add')
    .description('Add a connection to an Azure DevOps Services organization or Server collection, then test it (unless --no-test).')
    .requiredOption('--name <name>', 'a name unique in the workspace')
    .requiredOption('--url <url>', 'any Azure DevOps URL: organization, collection, project, clone URL or pull request; its organization or collection is kept'),
)
  .option('--no-test', 'save without running the connection test (a generated key is never tested right away)')
  .addHelpText('after', `
Examples:
  azdo-connect connection add --name prod --url https://dev.azure.com/fabrikam --pat-file token.txt
  azdo-connect connection add --name onprem --url https://tfs.example.com/tfs/DefaultCollection --pat-env TFS_PAT --ca-file corp-ca.pem
  azdo-connect connection add --name ci --url https://dev.azure.com/fabrikam --generate-ssh-key --ssh-key-out ~/.ssh/azdo_ci
${ENVIRONMENT}`)
  .action(async (options: ConnectionAddOptions) => {
    const { runConnectionAdd } = await import('./commands/connection-add.js');
    await runConnectionAdd(options);
  });

connection
  .command('list')
  .description('List the connections: kind, URL, credential, last test and credential expiry.')
  .option('--label <label>', 'only connections with this label')
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean; label?: string }) => {
    const { runConnectionList } = await import('./commands/connection-list.js');
    await runConnectionList(options);
  });

connection
  .command('show')
  .description('Show a connection. Secrets are never shown: a PAT by its fingerprint, an SSH key by its public key.')
  .argument('<connection>', 'name or id')
  .option('--json', 'print the result as JSON')
  .action(async (name: string, options: { json?: boolean }) => {
    const { runConnectionShow } = await import('./commands/connection-show.js');
    await runConnectionShow(name, options);
  });

connection
  .command('test')
  .description('Test a connection: reachability, TLS, credential, permissions, SSH. Exit code 6 when a check fails.')
  .argument('<connection>', 'name or id')
  .option('--trust-host-key <fingerprint>', 'pin an unknown SSH host key only if it is this SHA256:... fingerprint')
  .option('-y, --yes', 'pin an unknown SSH host key without asking')
  .option('--json', 'print the report as JSON')
  .action(async (name: string, options: ConnectionTestOptions) => {
    const { runConnectionTest } = await import('./commands/connection-test.js');
    await runConnectionTest(name, options);
  });

connectionOptions(
  connection
    .command('edit')
    .description('Change a connection. Only what is given changes; the result is validated whole, and nothing is saved if anything is wrong.')
    .argument('<connection>', 'name or id')
    .option('--name <name>', 'a new name')
    .option('--url <url>', 'a new URL'),
)
  .option('--clear-labels', 'remove all labels')
  .option('--remove-header <name>', 'remove a custom header (repeat for more)', collect)
  .option('--clear-ca', 'remove the CA bundle')
  .option('--clear-ssh-port', 'use the default SSH port 22 again')
  .option('--clear-known-hosts', 'forget the pinned SSH host keys')
  .option('--clear-pat-expires', "forget the PAT's expiry date")
  .option('--expected-version <n>', 'only save if the connection is still at this version (see show --json)', positive)
  .option('--test', 'test the connection after saving')
  .addHelpText('after', ENVIRONMENT)
  .action(async (name: string, options: ConnectionEditOptions) => {
    const { runConnectionEdit } = await import('./commands/connection-edit.js');
    await runConnectionEdit(name, options);
  });

connection
  .command('remove')
  .description('Remove a connection and its stored secrets. Says what will stop working and asks first (--yes for scripts).')
  .argument('<connection>', 'name or id')
  .option('-y, --yes', 'remove without asking (needed without a terminal)')
  .option('--json', 'print the result as JSON')
  .action(async (name: string, options: { json?: boolean; yes?: boolean }) => {
    const { runConnectionRemove } = await import('./commands/connection-remove.js');
    await runConnectionRemove(name, options);
  });

program
  .command('ssh-key')
  .description('SSH keys for Azure DevOps.')
  .command('generate')
  .description('Generate an RSA 4096 key pair: the private key goes to a new file (0600), the public key is printed to add to Azure DevOps.')
  .requiredOption('--out <file>', 'where to write the private key (never overwritten)')
  .option('--comment <text>', 'the public key comment', 'azdo-connect')
  .option('--json', 'print the result as JSON')
  .action(async (options: { out: string; comment?: string; json?: boolean }) => {
    const { runSshKeyGenerate } = await import('./commands/ssh-key-generate.js');
    await runSshKeyGenerate(options);
  });

program
  .command('secrets')
  .description('The key that encrypts stored secrets.')
  .command('rotate-key')
  .description('Re-encrypt every stored secret under a new key, all or nothing. With the key file, it is replaced; with AZDO_CONNECT_SECRET_KEY, bring the new key.')
  .option('--new-key-file <file>', 'the new key (base64, 32 bytes), e.g. from `openssl rand -base64 32`')
  .option('--new-key-env <variable>', 'read the new key from this environment variable')
  .option('--json', 'print the result as JSON')
  .action(async (options: SecretsRotateKeyOptions) => {
    const { runSecretsRotateKey } = await import('./commands/secrets-rotate-key.js');
    await runSecretsRotateKey(options);
  });

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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and --version end here too, with exit code 0; every other commander error is a usage error.
  process.exitCode = error.exitCode === 0 ? 0 : 2;
  if (json && error.exitCode !== 0) {
    const message = error.message.replace(/^error: /, '');
    const hint = 'Run the command with --help to see its arguments and options.';
    process.stdout.write(`${JSON.stringify({ error: { code: 'AZDO_CLI_USAGE', message, hint } }, null, 2)}\n`);
  }
}
