// Security headers (helmet's), cookies, and the rate limiter the sign-in route uses. API answers are never cached:
// they carry people's data, and some (a new API token, a generated key) carry secrets.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { sharedRateLimitStore } from '../shared-rate-limit-store.js';

/** Headers every answer carries anyway, or that depend on the answer: not helmet's. */
const NOT_SECURITY = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * The headers helmet sends with `options`, worked out once. They depend on nothing in the request, and
 * @fastify/helmet builds helmet anew for every request (parsing the CSP directives each time), which cost as much
 * as the rest of a small answer.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  try {
    await probe.register(fastifyHelmet, options);
    probe.get('/', async () => '');
    const res = await probe.inject({ method: 'GET', url: '/' });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (!NOT_SECURITY.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return headers;
  } finally {
    await probe.close();
  }
}

export async function registerSecurity(app: FastifyInstance): Promise<void> {
  const https = app.ctx.config.publicUrl.startsWith('https:');
  const security = await helmetHeaders({
    // Fits the Vite-built web UI served from this origin: its scripts and styles are files, never inline.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Over plain http (a local try-out) upgrading would point the page at an https port that does not exist.
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS over http is ignored by browsers at best; on localhost over https it would pin every local port to https.
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  if (!security['content-security-policy']) throw new Error('helmet set no Content-Security-Policy');

  // First of all hooks, so refusals (401, 404) carry them too. Routes may still change them (the API reference
  // page relaxes its CSP in an onSend hook, see plugins/openapi.ts).
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(security);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    done();
  });
  await app.register(fastifyCookie);
  // Per route only (sign-in); the limiter is also used by hand there, to count failed attempts. Counted in the store,
  // so that every instance of the service counts the same attempts.
  await app.register(fastifyRateLimit, { global: false, store: sharedRateLimitStore(app.ctx.store.db) });
}
