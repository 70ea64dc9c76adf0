// The simulator's SSH endpoint (ssh.dev.azure.com / vs-ssh / Server's SSH port), behaving as FACTS §6 describes:
// RSA user keys only, SHA-2 signatures only, an RSA host key offered as rsa-sha2-512/256, git commands only.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, ServerChannel, ServerHostKeyAlgorithm, Session } from 'ssh2';

export interface SshUser {
  id: string;
  name: string;
}

export type GitSshService = 'git-upload-pack' | 'git-receive-pack';

export interface SshServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM or OpenSSH private RSA host key. */
  hostKey: string;
  /**
   * Azure DevOps keys are user-level and the server takes the first offered key it knows, so this maps a key to
   * its owner. `publicKeyBlob` is the SSH wire-format public key (the base64 part of an authorized_keys line).
   * Only called for ssh-rsa keys.
   */
  findKeyOwner(publicKeyBlob: Buffer): SshUser | undefined | Promise<SshUser | undefined>;
  /**
   * `sshPath` is the path argument of `git-upload-pack '<path>'` after shell unquoting, exactly as the client sent
   * it: 'v3/org/project/repo' or '/v3/org/project/repo' or '/collection/project/_git/repo' (leading slash optional).
   */
  resolveRepo(user: SshUser, sshPath: string, service: GitSshService): Promise<{ repoPath: string } | { error: string }>;
  /** Awaited after a git-receive-pack exited 0 and before the client sees the exit status. */
  onReceivePackDone?(user: SshUser, repoPath: string): Promise<void>;
  log?(line: Record<string, unknown>): void;
  /** Server identification after "SSH-2.0-"; Azure DevOps Services sends "SSHBlackbox.10". Default: ssh2's. */
  ident?: string;
}

export interface RunningSshServer {
  port: number;
  close(): Promise<void>;
  /** "SHA256:<base64 without padding>", as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** "ssh-rsa AAAA...": the host public key, for known_hosts lines. */
  hostPublicKey: string;
}

const { Server, utils } = ssh2;

const SHELL_DENIED = 'remote: Shell access is not supported.\r\n';
// Azure DevOps' catch-all error text, for when the app's resolver itself fails.
const INTERNAL_ERROR = 'TF400898: An Internal Error Occurred.';
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = ['rsa-sha2-512', 'rsa-sha2-256'];

/** Like generateRsaHostKey, off the main thread: a 3072-bit key takes hundreds of milliseconds. */
export async function generateRsaHostKeyAsync(modulusLength = 3072): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return privateKey;
}

export function generateRsaHostKey(modulusLength = 3072): string {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return privateKey;
}

export function publicKeyFingerprint(publicKeyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '');
}

/**
 * Splits `git-upload-pack '/v3/o/p/r'` into service and path. Git quotes the path with sq_quote ('\'' and '\!'
 * escapes); other clients use double quotes or none. Returns undefined for anything that is not exactly one of the
 * two git services with one path argument.
 */
export function parseGitSshCommand(command: string): { service: GitSshService; path: string } | undefined {
  const m = /^\s*git[- ](upload-pack|receive-pack)\s+([\s\S]*?)\s*$/.exec(command);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const words = shellWords(m[2]);
  if (!words || words.length !== 1 || words[0] === undefined || words[0] === '') return undefined;
  return { service: `git-${m[1]}` as GitSshService, path: words[0] };
}

function shellWords(s: string): string[] | undefined {
  const words: string[] = [];
  let cur: string | undefined;
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur = (cur ?? '') + s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let acc = '';
      for (;;) {
        if (j >= s.length) return undefined;
        const d = s[j] as string;
        if (d === '"') break;
        if (d === '\\' && j + 1 < s.length && '"\\$`'.includes(s[j + 1] as string)) {
          acc += s[j + 1];
          j += 2;
        } else {
          acc += d;
          j++;
        }
      }
      cur = (cur ?? '') + acc;
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= s.length) return undefined;
      cur = (cur ?? '') + s[i + 1];
      i += 2;
    } else {
      cur = (cur ?? '') + c;
      i++;
    }
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

export async function startSshServer(o: SshServerOptions): Promise<RunningSshServer> {
  const log = o.log ?? (() => undefined);
  const parsedHost = utils.parseKey(o.hostKey);
  if (parsedHost instanceof Error) throw new Error(`Cannot parse SSH host key: ${parsedHost.message}`);
  const hostParsed = Array.isArray(parsedHost) ? (parsedHost[0] as ParsedKey) : parsedHost;
  if (hostParsed.type !== 'ssh-rsa') throw new Error(`The SSH host key must be RSA, got ${hostParsed.type}`);
  const hostBlob = hostParsed.getPublicSSH();
  const hostKeyFingerprint = publicKeyFingerprint(hostBlob);

  const connections = new Set<Connection>();
  const children = new Set<ChildProcess>();

  const server = new Server(
    {
      hostKeys: [o.hostKey],
      algorithms: {
        serverHostKey: HOST_KEY_ALGORITHMS,
        // AES only (in GCM or CTR with SHA-2 MACs, which Azure DevOps' MAC list matches): OpenSSH otherwise picks
        // chacha20-poly1305, which ssh2 runs far slower, and a clone over SSH took half again as long as over HTTP.
        cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr'],
        hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'],
      },
      ...(o.ident ? { ident: o.ident } : {}),
    },
    (conn, info) => {
      connections.add(conn);
      // The handshake is many small messages each way; with Nagle's algorithm on, delayed ACKs stalled each exchange.
      (conn as Connection & { setNoDelay?(on: boolean): void }).setNoDelay?.(true);
      if (!restrictHostKeyOffer(conn, HOST_KEY_ALGORITHMS)) {
        log({ msg: 'ssh: could not restrict host key algorithms; ssh-rsa (SHA-1) stays offered' });
      }
      const remote = `${info.ip}:${info.port}`;
      let user: SshUser | undefined;

      conn.on('error', (err: Error) => log({ msg: 'ssh client error', remote, error: err.message }));
      conn.on('close', () => connections.delete(conn));

      conn.on('authentication', (ctx: AuthContext) => {
        void authenticate(ctx).then(
          (owner) => {
            if (owner === 'check') return;
            if (owner) {
              user = owner;
              ctx.accept();
            } else {
              ctx.reject(['publickey']);
            }
          },
          (err: unknown) => {
            log({ msg: 'ssh authentication failed', remote, error: err instanceof Error ? err.message : String(err) });
            ctx.reject(['publickey']);
          },
        );
      });

      conn.on('ready', () => {
        log({ msg: 'ssh authenticated', remote, user: user?.name });
        conn.on('session', (accept) => {
          const session = accept();
          if (user) handleSession(session, user, remote);
        });
        // Port forwarding and the like are not part of the service; without listeners ssh2 refuses them.
      });
    },
  );

  /** Resolves to the owner to accept, undefined to reject, or 'check' once a key query has been answered. */
  async function authenticate(ctx: AuthContext): Promise<SshUser | undefined | 'check'> {
    if (ctx.method !== 'publickey') return undefined;
    // ssh2 reports rsa-sha2-* as algo ssh-rsa plus a hashAlgo; a missing hashAlgo means a SHA-1 "ssh-rsa" signature.
    if (ctx.key.algo !== 'ssh-rsa' || !ctx.hashAlgo) {
      log({ msg: 'ssh key refused', algo: ctx.key.algo, hashAlgo: ctx.hashAlgo ?? null });
      return undefined;
    }
    const owner = await o.findKeyOwner(ctx.key.data);
    if (!owner) {
      log({ msg: 'ssh key unknown', fingerprint: publicKeyFingerprint(ctx.key.data) });
      return undefined;
    }
    if (!ctx.signature || !ctx.blob) {
      ctx.accept(); // answers the query with PK_OK; the client then signs
      return 'check';
    }
    const key = utils.parseKey(ctx.key.data);
    const parsed = key instanceof Error ? undefined : Array.isArray(key) ? (key[0] as ParsedKey | undefined) : key;
    if (!parsed || !parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
      log({ msg: 'ssh signature invalid', fingerprint: publicKeyFingerprint(ctx.key.data) });
      return undefined;
    }
    return owner;
  }

  function handleSession(session: Session, user: SshUser, remote: string): void {
    session.on('error', (err: Error) => log({ msg: 'ssh session error', remote, error: err.message }));
    // Interactive `ssh git@host` asks for a pty first; grant it so the refusal arrives as a message, not a failure.
    session.on('pty', (accept) => optional(accept));
    // Git sends GIT_PROTOCOL=version=2 here. Ignoring it keeps the conversation at v0, as with Azure DevOps.
    session.on('env', (_accept, reject) => optional(reject));
    session.on('shell', (accept) => denyShell(accept(), remote));
    session.on('exec', (accept, _reject, info) => {
      const channel = accept();
      channel.on('error', (err: Error) => log({ msg: 'ssh channel error', remote, error: err.message }));
      void runExec(channel, info.command, user, remote).catch((err: unknown) => {
        log({ msg: 'ssh exec failed', remote, error: err instanceof Error ? err.message : String(err) });
        endChannel(channel, 128, `remote: ${INTERNAL_ERROR}\n`);
      });
    });
  }

  function denyShell(channel: ServerChannel, remote: string): void {
    channel.on('error', (err: Error) => log({ msg: 'ssh channel error', remote, error: err.message }));
    endChannel(channel, 1, SHELL_DENIED);
  }

  async function runExec(channel: ServerChannel, command: string, user: SshUser, remote: string): Promise<void> {
    const parsed = parseGitSshCommand(command);
    log({ msg: 'ssh exec', remote, user: user.name, command });
    if (!parsed) {
      endChannel(channel, 1, SHELL_DENIED);
      return;
    }
    let resolved: { repoPath: string } | { error: string };
    try {
      resolved = await o.resolveRepo(user, parsed.path, parsed.service);
    } catch (err) {
      log({ msg: 'resolveRepo failed', error: err instanceof Error ? err.message : String(err) });
      resolved = { error: INTERNAL_ERROR };
    }
    if ('error' in resolved) {
      endChannel(channel, 128, `remote: ${resolved.error.replace(/\n$/, '')}\n`);
      return;
    }
    const repoPath = resolved.repoPath;
    let channelClosed = false;
    const child = spawn(parsed.service, [repoPath], { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    channel.on('close', () => {
      channelClosed = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    });
    child.stdin.on('error', () => {
      // EPIPE once git has exited; its exit code tells the story.
    });
    channel.pipe(child.stdin);
    child.stdout.pipe(channel, { end: false });
    child.stderr.pipe(channel.stderr, { end: false });

    const code = await new Promise<number>((resolve) => {
      child.once('error', (err) => {
        log({ msg: 'ssh: git failed to start', error: err.message });
        resolve(128);
      });
      child.once('close', (c) => resolve(c ?? 128));
    });
    children.delete(child);
    log({ msg: 'ssh git exited', remote, service: parsed.service, repoPath, code });
    if (code === 0 && parsed.service === 'git-receive-pack' && o.onReceivePackDone) {
      try {
        await o.onReceivePackDone(user, repoPath);
      } catch (err) {
        log({ msg: 'onReceivePackDone failed', error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (channelClosed) return;
    // Exit status must not overtake output still waiting for the client's window.
    await Promise.all([flushed(channel, channel), flushed(channel.stderr, channel)]);
    endChannel(channel, code);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err: Error) => log({ msg: 'ssh server error', error: err.message }));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    hostKeyFingerprint,
    hostPublicKey: `ssh-rsa ${hostBlob.toString('base64')}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const child of children) child.kill('SIGTERM');
        for (const conn of connections) conn.end();
        server.close(() => resolve());
      }),
  };
}

function endChannel(channel: ServerChannel, code: number, stderrText?: string): void {
  if (stderrText) channel.stderr.write(stderrText);
  channel.exit(code);
  channel.end();
}

/** Resolves once everything written so far has left `w`, or the channel closed. */
function flushed(w: NodeJS.WritableStream & { writableLength?: number }, channel: ServerChannel): Promise<void> {
  if (!w.writableLength) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      channel.off('close', done);
      resolve();
    };
    channel.once('close', done);
    // Writes complete in order, so an empty write's callback fires after all earlier data went out.
    w.write(Buffer.alloc(0), done);
  });
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Inherited GIT_* (GIT_DIR, GIT_PROTOCOL, ...) would redirect or upgrade the git we run for the client.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  // Azure Repos serves partial clones (--filter=blob:none) and the blobs fetched on demand afterwards.
  Object.assign(env, {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'uploadpack.allowFilter',
    GIT_CONFIG_VALUE_0: 'true',
    GIT_CONFIG_KEY_1: 'uploadpack.allowAnySHA1InWant',
    GIT_CONFIG_VALUE_1: 'true',
  });
  return env;
}

function optional(fn: (() => unknown) | undefined): void {
  // ssh2 passes no accept/reject when the client asked for no reply.
  if (typeof fn === 'function') fn();
}

interface AlgoEntry {
  array: string[];
}
interface KexOffer {
  lists: {
    kex: AlgoEntry;
    serverHostKey: AlgoEntry;
    cs: Record<'cipher' | 'mac' | 'compress' | 'lang', AlgoEntry>;
    sc: Record<'cipher' | 'mac' | 'compress' | 'lang', AlgoEntry>;
  };
}
const restrictedOffers = new WeakMap<object, KexOffer>();

/**
 * ssh2 always appends SHA-1 "ssh-rsa" to the host key algorithms of an RSA key, whatever the configuration says.
 * Azure DevOps' SSH host is expected to offer only rsa-sha2-512/256 here, so the offer of each connection is swapped
 * before its KEXINIT goes out (ssh2 emits 'connection' right after the identification exchange, before KEXINIT).
 * This reaches into ssh2 internals; if they change, it reports false and leaves the offer alone.
 */
function restrictHostKeyOffer(conn: Connection, allowed: string[]): boolean {
  try {
    const proto = (conn as unknown as { _protocol?: { _offer?: unknown } })._protocol;
    const offer = proto?._offer as (KexOffer & { constructor: new (o: unknown) => KexOffer }) | undefined;
    if (!proto || !offer || !Array.isArray(offer.lists?.serverHostKey?.array)) return false;
    let next = restrictedOffers.get(offer);
    if (!next) {
      const l = offer.lists;
      const dir = (d: KexOffer['lists']['cs']) => ({
        cipher: d.cipher.array,
        mac: d.mac.array,
        compress: d.compress.array,
        lang: d.lang.array,
      });
      next = new offer.constructor({
        kex: l.kex.array,
        serverHostKey: l.serverHostKey.array.filter((a) => allowed.includes(a)),
        cs: dir(l.cs),
        sc: dir(l.sc),
      });
      restrictedOffers.set(offer, next);
    }
    proto._offer = next;
    return true;
  } catch {
    return false;
  }
}
