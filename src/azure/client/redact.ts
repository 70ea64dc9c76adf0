export const REDACTED = '[REDACTED]';

/**
 * Headers whose values the client itself sets and which never hold a secret. Every other value is shown redacted:
 * Authorization, and custom headers (a proxy's client secret, a cookie), which the client cannot tell apart.
 */
const SAFE_HEADERS = new Set(['accept', 'accept-encoding', 'content-type', 'content-length', 'user-agent', 'x-tfs-fedauthredirect']);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SAFE_HEADERS.has(name.toLowerCase()) ? value : REDACTED;
  return out;
}

/** Every secret a request's headers carry, in each form it could be echoed in: the PAT inside Basic, too. */
export function secretsOf(headers: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (SAFE_HEADERS.has(name.toLowerCase())) continue;
    secrets.push(value);
    const credentials = /^(basic|bearer)\s+(.+)$/i.exec(value);
    if (!credentials) continue;
    const [, scheme = '', token = ''] = credentials;
    secrets.push(token);
    if (scheme.toLowerCase() === 'basic') {
      const plain = Buffer.from(token, 'base64').toString('utf8');
      secrets.push(plain, plain.slice(plain.indexOf(':') + 1));
    }
  }
  // Very short values would blank out ordinary words; a real secret is longer than this.
  return secrets.filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of a secret in text meant for people (messages from the server, for one). */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
