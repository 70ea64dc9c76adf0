// The web UI: the files Vite built (dist/web) from config.webRoot. Everything here is public: the page shell holds no
// data, and what it shows comes from the API, which needs a session. Hashed files under /assets/ never change, so
// browsers keep them for a year; index.html is revalidated every time, so a new version is picked up at once.
// Any other GET that asks for HTML is a deep link into the single-page app (/connections/42): it gets index.html,
// through the not-found handler (plugins/error-handling.ts), which uses the reply.sendFile this plugin adds.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';

const ONE_YEAR = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const publicRoute = { config: { access: 'public' as const }, schema: { hide: true } };

function cacheControl(reply: FastifyReply, path: string): void {
  reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? ONE_YEAR : REVALIDATE);
}

const plugin: FastifyPluginAsyncTypebox = async (app) => {
  const root = app.ctx.config.webRoot;
  if (!root) return;
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn({ webRoot: root }, 'the web UI is not built (no index.html): run `npm run build`; serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // Routes are ours (below), so each says it is public; the plugin only adds reply.sendFile.
    serve: false,
    index: false,
    // A dot file (.env, .git) is answered as missing, never served.
    dotfiles: 'ignore',
    setHeaders: cacheControl,
  });

  // Handlers call sendFile without returning the reply: it streams on its own, and returning the (thenable) reply
  // from a handler that may hand over to the not-found handler makes Fastify wait on it twice.
  app.get('/', publicRoute, (_request, reply) => {
    reply.sendFile('index.html');
  });
  // A file that is not there (or a deep link) falls through to the not-found handler: index.html for a browser
  // asking for a page, problem JSON for anything else.
  app.get('/*', publicRoute, (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const segments = path.split(/[\\/]/);
    // API paths never get the page; a path that climbs out (..) or names a dot file is simply not there.
    if (segments[0] === 'api' || segments.some((s) => s.startsWith('.') || s.includes('\0'))) {
      reply.callNotFound();
      return;
    }
    reply.sendFile(path);
  });
};

// Registered without encapsulation, so reply.sendFile reaches the app-wide not-found handler too.
export const webRoutes: FastifyPluginAsyncTypebox = Object.assign(plugin, { [Symbol.for('skip-override')]: true });
