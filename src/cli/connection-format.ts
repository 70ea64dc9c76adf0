// Connections and test reports as people read them in a terminal. Views carry no secrets, so nothing here can print one.
import type { ConnectionView } from '../connections/connection-view.js';
import type { DoctorCheck, DoctorReport } from '../connections/doctor/doctor-types.js';
import type { PublicCredential } from '../credentials/credential.js';
import type { SshKeyPair } from '../credentials/ssh-keys.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "12 days", "5 hours", "3 minutes": the largest whole unit, rounded down. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) return plural(Math.floor(abs / DAY), 'day');
  if (abs >= HOUR) return plural(Math.floor(abs / HOUR), 'hour');
  return plural(Math.max(1, Math.floor(abs / MINUTE)), 'minute');
}

export function credentialLabel(credential: PublicCredential): string {
  switch (credential.type) {
    case 'pat':
      return 'PAT';
    case 'ssh':
      return 'SSH key';
    case 'servicePrincipal':
      return 'service principal';
  }
}

export function credentialSummary(credential: PublicCredential): string {
  switch (credential.type) {
    case 'pat':
      return `PAT ${credential.tokenFingerprint}`;
    case 'ssh':
      return `SSH key ${credential.fingerprint}`;
    case 'servicePrincipal':
      return `service principal ${credential.clientId}`;
  }
}

/** "PAT expires in 12 days", "SSH key expired 3 days ago", "PAT expiry unknown". */
export function expiryText(view: ConnectionView, now = Date.now()): string {
  const what = credentialLabel(view.credential);
  const at = view.status.credentialExpiresAt;
  if (at === undefined) return view.credential.type === 'servicePrincipal' ? 'secret expiry in Entra ID' : `${what} expiry unknown`;
  const left = Date.parse(at) - now;
  return left > 0 ? `${what} expires in ${duration(left)}` : `${what} expired ${duration(left)} ago`;
}

export function lastTestText(view: ConnectionView, now = Date.now()): string {
  const { lastTestAt, lastTestOk } = view.status;
  if (lastTestAt === undefined) return 'never tested';
  return `${lastTestOk ? 'passed' : 'failed'} ${duration(now - Date.parse(lastTestAt))} ago`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function listTable(views: ConnectionView[], now = Date.now()): string {
  return table(
    ['NAME', 'KIND', 'URL', 'CREDENTIAL', 'LAST TEST', 'EXPIRY'],
    views.map((v) => [v.name, v.kind, v.url, credentialSummary(v.credential), lastTestText(v, now), expiryText(v, now)]),
  );
}

function credentialLines(credential: PublicCredential): Array<[string, string]> {
  switch (credential.type) {
    case 'pat':
      return [['Credential', `personal access token (fingerprint ${credential.tokenFingerprint})`]];
    case 'ssh':
      return [
        ['Credential', 'SSH key (RSA)'],
        ['Fingerprint', credential.fingerprint],
        ['Public key', credential.publicKey],
        ...(credential.registeredAt ? ([['Registered', credential.registeredAt]] as Array<[string, string]>) : []),
      ];
    case 'servicePrincipal':
      return [
        ['Credential', 'service principal (Entra ID)'],
        ['Tenant', credential.tenantId],
        ['Client id', credential.clientId],
        ...(credential.authority ? ([['Authority', credential.authority]] as Array<[string, string]>) : []),
      ];
  }
}

export function showText(view: ConnectionView, now = Date.now()): string {
  const certificates = view.tls.caBundle?.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  const pinned = view.ssh.knownHosts?.split('\n').filter((l) => l.trim() !== '').length ?? 0;
  const rows: Array<[string, string]> = [
    ['Name', view.name],
    ['Kind', view.kind === 'services' ? 'Azure DevOps Services organization' : 'Azure DevOps Server collection'],
    ['URL', view.url],
    ...(view.description ? ([['Description', view.description]] as Array<[string, string]>) : []),
    ['Labels', view.labels.length > 0 ? view.labels.join(', ') : '(none)'],
    ...credentialLines(view.credential),
    ['Expiry', expiryText(view, now)],
    ['Headers', view.customHeaders.length > 0 ? view.customHeaders.map((h) => (h.secret ? `${h.name}: (secret)` : `${h.name}: ${h.value ?? ''}`)).join('; ') : '(none)'],
    ...(view.kind === 'server'
      ? ([
          ['TLS CA', certificates > 0 ? plural(certificates, 'certificate') : '(system trust store)'],
          ['SSH port', String(view.ssh.port ?? 22)],
        ] as Array<[string, string]>)
      : []),
    ['Host keys', pinned > 0 ? `${plural(pinned, 'pinned key')}` : '(none pinned)'],
    ['Last test', view.status.lastTestAt ? `${lastTestText(view, now)} (${view.status.lastTestAt})` : 'never tested'],
    ['Version', String(view.version)],
    ['Id', view.id],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
}

const MARK: Record<DoctorCheck['status'], string> = { pass: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

export function checkText(check: DoctorCheck): string {
  const lines = [`[${MARK[check.status]}] ${check.message} (${check.code})`];
  if (check.hint && check.status !== 'pass') lines.push(`       hint: ${check.hint}`);
  return lines.join('\n');
}

export function reportSummary(report: DoctorReport): string {
  const count = (s: DoctorCheck['status']): number => report.checks.filter((c) => c.status === s).length;
  const parts = [`${count('pass')} passed`, plural(count('warn'), 'warning'), `${count('fail')} failed`, `${count('skip')} skipped`];
  return `${report.ok ? 'Connection works' : 'Connection test failed'}: ${parts.join(', ')} (${report.requests} requests, ${Math.round(report.durationMs)} ms).`;
}

/** A view for --json; the last test's full report only where asked (show), since listings would repeat it for each. */
export function viewJson(view: ConnectionView, withTestResult = false): ConnectionView {
  if (withTestResult) return view;
  const { lastTestResult: _omitted, ...status } = view.status;
  return { ...view, status };
}

export function generatedKeyAdvice(generated: { pair: SshKeyPair; file: string }): string[] {
  return [
    `Private key written to ${generated.file} (mode 0600). Keep it; azdo-connect stores its own encrypted copy.`,
    'Add this public key to Azure DevOps (User settings > SSH public keys > New key):',
    '',
    generated.pair.publicKey,
    '',
    `Fingerprint: ${generated.pair.fingerprint}`,
  ];
}
