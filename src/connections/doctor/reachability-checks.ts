import { AzdoApiError, AzdoApiErrorCodes } from '../../azure/client/index.js';
import type { CheckRecorder } from './check-recorder.js';
import { DoctorCodes } from './doctor-codes.js';
import { isAzureDevOpsAnswer, type Probe, type RawSeen } from './doctor-http.js';

const UNREACHABLE = new Set<string>([AzdoApiErrorCodes.network, AzdoApiErrorCodes.timeout, AzdoApiErrorCodes.tlsUntrusted]);
// Node's codes for "no trusted authority signed this": a CA bundle fixes these, not an expired or misnamed certificate.
const UNKNOWN_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

export function answerOf(probe: Probe<unknown>): RawSeen | undefined {
  return probe.ok ? { status: probe.status, headers: probe.headers } : probe.raw;
}

export interface Target {
  url: URL;
  hasCaBundle: boolean;
}

/**
 * DNS, TCP and TLS: did any request get an HTTP answer? Returns false when none did, and everything that needs the
 * server is then skipped.
 */
export function reachabilityCheck(rec: CheckRecorder, probes: ReadonlyArray<Probe<unknown>>, target: Target): boolean {
  const ms = Math.max(0, ...probes.map((p) => p.ms));
  const host = target.url.host;
  if (probes.some((p) => answerOf(p) !== undefined)) {
    const how = target.url.protocol === 'https:' ? 'over HTTPS; its TLS certificate is trusted' : 'over plain HTTP';
    rec.pass('reachability', `${host} answered ${how}.`, ms, { host });
    return true;
  }
  const failure = probes.find((p): p is Extract<Probe<unknown>, { ok: false }> => !p.ok && UNREACHABLE.has(p.error.code));
  if (!failure) {
    rec.skip('reachability', `no request to ${host} could be sent.`);
    return false;
  }
  const error = failure.error;
  const networkCode = error instanceof AzdoApiError ? error.networkCode : undefined;
  if (error.code === AzdoApiErrorCodes.tlsUntrusted && networkCode !== undefined && UNKNOWN_CA.has(networkCode)) {
    const hint = target.hasCaBundle
      ? 'The CA bundle of this connection does not hold the certificate authority that signed the server\'s certificate: replace it with the right one (--ca-file), exported from the server or asked of its administrator.'
      : 'Add the server\'s CA bundle to the connection (--ca-file): the PEM certificate of the authority that signed the server\'s certificate, exported from the server or asked of its administrator. TLS verification is never turned off.';
    rec.error('reachability', error, ms, 'fail', { hint });
  } else {
    rec.error('reachability', error, ms);
  }
  return false;
}

interface ProxyPage {
  status: number;
  location?: string;
  proxy?: string;
}

function proxyPage(raw: RawSeen | undefined): ProxyPage | undefined {
  if (!raw || isAzureDevOpsAnswer(raw.headers)) return undefined;
  const location = raw.headers['location'];
  const html = /html/i.test(raw.headers['content-type'] ?? '');
  const redirect = raw.status >= 300 && raw.status < 400 && location !== undefined;
  const page = raw.status >= 200 && raw.status < 300 && html;
  const refusal = (raw.status === 401 || raw.status === 403) && html;
  if (!redirect && !page && !refusal) return undefined;
  const cloudflare =
    Object.keys(raw.headers).some((h) => h.startsWith('cf-')) || /cloudflareaccess\.com|\/cdn-cgi\/access\//i.test(location ?? '');
  return { status: raw.status, ...(location ? { location } : {}), ...(cloudflare ? { proxy: 'Cloudflare Access' } : {}) };
}

/**
 * Something in front of Azure DevOps (Cloudflare Access, an SSO gateway) answering with its own sign-in page. Azure
 * DevOps marks all of its answers with ActivityId / X-TFS-* / X-VSS-* headers; a page without them is not its own.
 */
export function proxyCheck(rec: CheckRecorder, probes: ReadonlyArray<Probe<unknown>>, customHeaderNames: readonly string[]): boolean {
  const ms = Math.max(0, ...probes.map((p) => p.ms));
  const page = probes.map((p) => proxyPage(answerOf(p))).find((p) => p !== undefined);
  if (page) {
    let where = '';
    if (page.location) {
      try {
        where = ` (it sent the request to ${new URL(page.location).host})`;
      } catch {
        where = '';
      }
    }
    const named = customHeaderNames.length > 0 ? ` The connection sends ${customHeaderNames.join(', ')}; the proxy did not accept them.` : '';
    rec.problem(
      'fail',
      'proxy',
      DoctorCodes.proxyLoginPage,
      `A proxy in front of Azure DevOps answered with its own sign-in page${page.proxy ? ` (${page.proxy})` : ''}${where}, not Azure DevOps.${named}`,
      'Add the headers the proxy needs as custom headers of the connection (for Cloudflare Access: CF-Access-Client-Id and CF-Access-Client-Secret of a service token); ask whoever runs the proxy for them.',
      ms,
      { status: page.status, ...(page.proxy ? { proxy: page.proxy } : {}) },
    );
    return false;
  }
  const names = customHeaderNames.length > 0 ? ` (with the custom headers ${customHeaderNames.join(', ')})` : '';
  rec.pass('proxy', `No proxy sign-in page in the way${names}.`, ms);
  return true;
}
