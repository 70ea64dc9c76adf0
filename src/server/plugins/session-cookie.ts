// The session cookie: azdo_session, http-only (scripts cannot read it), SameSite=Strict (other sites' pages never
// send it), path /, and Secure when the service is reached over https or on localhost (browsers accept Secure
// cookies from http://localhost, so development behaves like production). It expires with the session's 7-day limit;
// the 12-hour idle limit is enforced by the server.
import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../../access/principal.js';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function cookieSecure(publicUrl: string): boolean {
  try {
    const url = new URL(publicUrl);
    return url.protocol === 'https:' || LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost');
  } catch {
    return true;
  }
}

export function setSessionCookie(reply: FastifyReply, publicUrl: string, token: string, expiresAt: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: cookieSecure(publicUrl),
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: cookieSecure(publicUrl) });
}
