// `azdo-connect serve`: opens the vault and the store the environment names, builds the app, starts the job queue,
// listens, and on first start prints the administrator's one-time sign-in link. Shuts down gracefully: readiness
// turns 503, the server stops accepting and lets requests in flight finish, running jobs finish or go back to the
// queue, then the store closes.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { endpointsFromEnv } from '../azure/endpoints.js';
import { AzdoError } from '../errors/azdo-error.js';
import { Vault } from '../credentials/vault.js';
import { openStore, type Store } from '../store/open-store.js';
import { buildApp, type App } from './build-app.js';
import { createServiceContext } from './create-service-context.js';
import { packageRoot, packageVersion } from './package-root.js';
import type { ServiceContext } from './service-context.js';
import { createServiceLogger } from './service-logger.js';
import { setServicePhase } from './service-phase.js';
import { serviceSettings, type ServiceOverrides } from './service-settings.js';

export interface StartServiceOptions extends ServiceOverrides {
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the JSON log goes; default stdout. */
  logDestination?: DestinationStream;
  /** Where the sign-in link is printed for people; default stdout. */
  out?: NodeJS.WritableStream;
  /** Shut down on SIGTERM and SIGINT, and exit (the CLI); a second signal exits at once. Default false. */
  handleSignals?: boolean;
}

export interface RunningService {
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The URL in sign-in links (AZDO_CONNECT_PUBLIC_URL, default http://localhost:{port}). */
  publicUrl: string;
  app: App;
  ctx: ServiceContext;
  /** The first start's administrator link (also printed); undefined on later starts. */
  signInUrl?: string;
  /** The graceful shutdown; resolves once everything is closed. Safe to call more than once. */
  close(): Promise<void>;
}

/** The built web UI, when this package has one (npm run build puts it in dist/web). */
export function builtWebRoot(): string | undefined {
  const dir = path.join(packageRoot(), 'dist', 'web');
  return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

/** A free port on `host`, so a service asked for port 0 can name its public URL before it listens. */
async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const LISTEN_FAILED = 'AZDO_LISTEN_FAILED';

function listenFailure(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return new AzdoError(LISTEN_FAILED, `Cannot listen on ${where}: another program uses that port.`, 'Stop the other program, or pick another port with --port or PORT (0 picks a free one).', { port });
  if (code === 'EACCES') return new AzdoError(LISTEN_FAILED, `Cannot listen on ${where}: not allowed (ports below 1024 need privileges).`, 'Use a port from 1024 up, e.g. 8080, and put a reverse proxy in front for port 80 or 443.', { port });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new AzdoError(LISTEN_FAILED, `Cannot listen on ${where}: this machine has no such address.`, 'Set --host or HOST to an address of this machine, e.g. 127.0.0.1, or 0.0.0.0 for all.', { port });
  return error;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function signInBanner(link: { url: string; expiresAt: string }): string {
  const hours = Math.max(1, Math.round((Date.parse(link.expiresAt) - Date.now()) / 3_600_000));
  const rule = '='.repeat(78);
  return `\n${rule}\n  Open this link to sign in as the administrator (valid ${hours} h, once):\n\n  ${link.url}\n${rule}\n\n`;
}

export async function startService(o: StartServiceOptions = {}): Promise<RunningService> {
  const env = o.env ?? process.env;
  const settings = serviceSettings(env, o);
  const logger: Logger = createServiceLogger({ level: settings.logLevel, ...(o.logDestination ? { destination: o.logDestination } : {}) });
  const port = settings.port === 0 && settings.publicUrl === undefined ? await freePort(settings.host) : settings.port;
  const publicUrl = settings.publicUrl ?? `http://localhost:${port}`;

  // The vault first: a bad key is reported before the database is touched (as the CLI does).
  const vault = await Vault.open({ dataDir: settings.store.dataDir, env });
  const store: Store = await openStore(settings.store);
  let app: App | undefined;
  let ctx: ServiceContext | undefined;
  try {
    const webRoot = builtWebRoot();
    ctx = createServiceContext({
      store,
      vault,
      endpoints: endpointsFromEnv(env),
      logger,
      config: {
        dataDir: settings.store.dataDir,
        publicUrl,
        bodyLimit: settings.bodyLimit,
        ...(webRoot ? { webRoot } : {}),
        ...(settings.metricsToken ? { metricsToken: settings.metricsToken } : {}),
      },
    });
    setServicePhase(ctx, 'starting');
    app = await buildApp(ctx);
    await ctx.jobs.start();
    await app.listen({ port, host: settings.host }).catch((error: unknown) => {
      throw listenFailure(error, settings.host, port);
    });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await ctx?.jobs.stop({ graceMs: 0 }).catch(() => undefined);
    await store.close();
    throw error;
  }
  setServicePhase(ctx, 'serving');
  const address = app.server.address() as net.AddressInfo;
  const url = `http://${urlHost(settings.host)}:${address.port}`;

  const started = { app, ctx };
  const boot = await ctx.access.bootstrap(settings.adminEmail ? { email: settings.adminEmail } : undefined).catch(async (error: unknown) => {
    await shutDown(started.app, started.ctx, store, 0, logger).catch(() => undefined);
    throw error;
  });
  if (boot) {
    logger.info({ user: boot.user.email, expiresAt: boot.link.expiresAt }, 'administrator created; the one-time sign-in link is printed on stdout');
    (o.out ?? process.stdout).write(signInBanner(boot.link));
  }
  logger.info({ url, publicUrl, version: packageVersion(), store: settings.store.databaseUrl ? 'postgres' : 'sqlite', dataDir: settings.store.dataDir, webUi: ctx.config.webRoot !== undefined }, 'ready');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= shutDown(started.app, started.ctx, store, settings.graceMs, logger);
    return closing;
  };

  if (o.handleSignals) {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting at once');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      logger.info({ signal, graceMs: settings.graceMs }, 'shutting down');
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    // As Node would (exit 1), but as a JSON line with the error serialized (and redacted) like every other.
    const fatal = (error: unknown): void => {
      logger.fatal({ err: error }, 'uncaught error: exiting');
      process.exit(1);
    };
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
  }

  return { url, publicUrl, app, ctx, ...(boot ? { signInUrl: boot.link.url } : {}), close };
}

async function shutDown(app: App, ctx: ServiceContext, store: Store, graceMs: number, logger: Logger): Promise<void> {
  setServicePhase(ctx, 'stopping');
  const started = Date.now();
  // In parallel: requests in flight and running jobs get the same grace. A request still open after it (a long
  // stream) is cut, so a shutdown always ends.
  const cut = setTimeout(() => app.server.closeAllConnections(), graceMs + 1000);
  try {
    await Promise.all([app.close(), ctx.jobs.stop({ graceMs })]);
  } finally {
    clearTimeout(cut);
    await store.close();
  }
  logger.info({ ms: Date.now() - started }, 'stopped');
}
