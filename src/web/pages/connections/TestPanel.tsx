// Test connection, check by check as the service streams them (application/x-ndjson): each with its status in words
// and an icon, its duration, and beside a failing check how to fix it. A Server's SSH host key seen for the first
// time is shown with its fingerprint; confirming it pins the key and tests again.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { testConnection, type Connection, type ConnectionTestResult, type DoctorCheck, type DoctorReport } from '../../api/client.js';
import { Badge, type Tone } from '../../components/Badge.js';
import { Notice, ProblemAlert } from '../../components/ProblemAlert.js';
import { TimeAgo } from '../../components/Time.js';
import { duration } from '../../lib/relative-time.js';
import { checkName } from './check-names.js';

const STATUS: Record<DoctorCheck['status'], { icon: string; text: string; tone: Tone }> = {
  pass: { icon: '✓', text: 'Passed', tone: 'success' },
  warn: { icon: '!', text: 'Warning', tone: 'warning' },
  fail: { icon: '✕', text: 'Failed', tone: 'danger' },
  skip: { icon: '–', text: 'Skipped', tone: 'neutral' },
};

/** A skipped check's message is "Skipped: why"; beside the Skipped badge, the why is enough. */
function shownMessage(check: DoctorCheck): string {
  if (check.status !== 'skip') return check.message;
  const why = check.message.replace(/^Skipped:\s*/, '');
  return why.charAt(0).toUpperCase() + why.slice(1);
}

function CheckItem({ check, kind }: { check: DoctorCheck; kind: Connection['kind'] }) {
  const s = STATUS[check.status];
  return (
    <li className={`check check-${check.status}`}>
      <span className={`check-icon check-icon-${check.status}`} aria-hidden="true">
        {s.icon}
      </span>
      <div className="check-body">
        <h3 className="check-name">{checkName(check.id, kind)}</h3>
        <p className="check-line">
          <Badge tone={s.tone}>{s.text}</Badge> <span className="check-message">{shownMessage(check)}</span>
        </p>
        {check.hint && check.status !== 'pass' ? <p className="check-hint">{check.hint}</p> : null}
        <p className="check-meta">
          <span>{duration(check.durationMs)}</span>
          {check.status !== 'pass' ? (
            <>
              {' · '}
              <code>{check.code}</code>
            </>
          ) : null}
        </p>
      </div>
    </li>
  );
}

function Summary({ report }: { report: DoctorReport }) {
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  const skipped = report.checks.filter((c) => c.status === 'skip').length;
  if (report.ok) {
    // A skipped check did not pass (e.g. the SSH key, while the server's host key awaits confirmation).
    const detail = skipped
      ? `No check failed (${[warned ? `${warned} with a warning` : '', `${skipped} skipped`].filter(Boolean).join(', ')})`
      : `All checks passed${warned ? ` (${warned} with a warning)` : ''}`;
    return (
      <Notice tone="success">
        <strong>Connection works.</strong> {detail} in {duration(report.durationMs)}.
      </Notice>
    );
  }
  return (
    <div className="alert alert-error">
      <strong>{failed === 1 ? '1 check failed.' : `${failed} checks failed.`}</strong> The hint beside each says how to fix it.
    </div>
  );
}

export function TestPanel({ connection, autoRun }: { connection: Connection; autoRun: boolean }) {
  const queryClient = useQueryClient();
  const [checks, setChecks] = useState<DoctorCheck[]>([]);
  const [result, setResult] = useState<ConnectionTestResult | undefined>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  async function run(confirmHostKey?: string) {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setChecks([]);
    setResult(undefined);
    setError(null);
    setRunning(true);
    try {
      const final = await testConnection(
        connection.id,
        confirmHostKey ? { confirmHostKey } : {},
        (event) => {
          if (event.type === 'check') setChecks((list) => [...list, event.check]);
          // A confirmed host key is pinned between two runs of the checks: the first run's (host key unconfirmed,
          // SSH key skipped) are replaced by the second's, which the result reports.
          if (event.type === 'hostKeyPinned') setChecks([]);
          if (event.type === 'result') {
            setChecks(event.result.checks);
            setResult(event.result);
          }
        },
        controller.signal,
      );
      if (final?.connection) queryClient.setQueryData(['connection', connection.id], final.connection);
      await queryClient.invalidateQueries({ queryKey: ['connections'] });
    } catch (e) {
      if (!controller.signal.aborted) setError(e);
    } finally {
      if (abort.current === controller) setRunning(false);
    }
  }

  useEffect(() => {
    if (autoRun) void run();
    return () => abort.current?.abort();
    // Runs once when the page opens with a new connection; later runs are the button's.
  }, []);

  const last = connection.status.lastTestResult;
  const shown: DoctorCheck[] = running || result || checks.length > 0 ? checks : (last?.checks ?? []);
  const report: DoctorReport | undefined = result ?? (running || checks.length > 0 ? undefined : last);
  const hostKey = report?.unconfirmedHostKey;

  return (
    <section className="card test-panel" aria-labelledby="test-heading">
      <div className="card-header">
        <h2 id="test-heading">Test connection</h2>
        <button type="button" className="btn btn-primary" disabled={running} onClick={() => void run()}>
          {running ? 'Testing…' : 'Test connection'}
        </button>
      </div>
      {!running && !result && last && connection.status.lastTestAt ? (
        <p className="muted small">
          Last test <TimeAgo value={connection.status.lastTestAt} />.
        </p>
      ) : null}
      {!running && !result && !last ? <p className="muted">Not tested yet. The test checks the address, the credential, and what it may access.</p> : null}
      <ol className="checks" aria-live="polite" aria-busy={running} aria-label="Checks">
        {shown.map((c, i) => (
          <CheckItem key={`${c.id}-${i}`} check={c} kind={connection.kind} />
        ))}
      </ol>
      {running ? (
        <p className="muted small" role="status">
          <span className="spinner spinner-small" aria-hidden="true" /> Running checks…
        </p>
      ) : null}
      <ProblemAlert error={error} title="The test could not run." />
      {result?.hostKeyMismatch ? (
        <div className="alert alert-error" role="alert">
          The server presented a different SSH host key (<code>{result.hostKeyMismatch.seen}</code>) than the one you confirmed (<code>{result.hostKeyMismatch.expected}</code>). Nothing
          was pinned. Ask the server's administrator which key is right.
        </div>
      ) : null}
      {result?.pinnedHostKey ? (
        <Notice tone="success">
          The SSH host key of {result.pinnedHostKey.host}:{result.pinnedHostKey.port} is now trusted (<code>{result.pinnedHostKey.fingerprint}</code>).
        </Notice>
      ) : null}
      {hostKey && !running ? (
        <div className="alert alert-warning host-key-prompt" role="alert">
          <p className="alert-title">
            Trust the SSH host key of {hostKey.host}:{hostKey.port}?
          </p>
          <p>azdo-connect has not seen this server's SSH key before. Compare its fingerprint with the one the server's administrator gives you:</p>
          <p>
            <code className="fingerprint">{hostKey.fingerprint}</code>
          </p>
          <div className="button-row">
            <button type="button" className="btn btn-primary" onClick={() => void run(hostKey.fingerprint)}>
              Trust this key and test again
            </button>
          </div>
        </div>
      ) : null}
      {report && !running ? <Summary report={report} /> : null}
    </section>
  );
}
