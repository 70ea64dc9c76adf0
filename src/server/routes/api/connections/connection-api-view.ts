// A connection as the API returns it: the library's view (no secrets) with a status the UI can show as a badge.
// The last test's full report goes only into the answer about one connection; listings would repeat it for each.
import type { Static } from '@sinclair/typebox';
import type { ConnectionView } from '../../../../connections/connection-view.js';
import type { ConnectionViewSchema, DoctorReportSchema } from '../../../schemas/connection-schema.js';

export type ApiConnectionView = Static<typeof ConnectionViewSchema>;
type ApiReport = Static<typeof DoctorReportSchema>;

/** A stored report in the shape the schema describes (reports stored by older versions may lack fields). */
function storedReport(result: unknown): ApiReport | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as Partial<ApiReport>;
  if (typeof r.ok !== 'boolean' || !Array.isArray(r.checks)) return undefined;
  return {
    ok: r.ok,
    checks: r.checks,
    features: r.features ?? {},
    requests: r.requests ?? 0,
    durationMs: r.durationMs ?? 0,
    ...(r.credentialExpiresAt !== undefined ? { credentialExpiresAt: r.credentialExpiresAt } : {}),
    ...(r.unconfirmedHostKey !== undefined ? { unconfirmedHostKey: r.unconfirmedHostKey } : {}),
  };
}

export function apiView(view: ConnectionView, o: { withTestResult?: boolean } = {}): ApiConnectionView {
  const { lastTestResult, ...status } = view.status;
  const report = o.withTestResult ? storedReport(lastTestResult) : undefined;
  return {
    ...view,
    deployment: { ...view.deployment },
    credential: { ...view.credential },
    status: {
      ...status,
      lastTest: status.lastTestAt === undefined ? 'never' : status.lastTestOk ? 'passed' : 'failed',
      ...(report ? { lastTestResult: report } : {}),
    },
  };
}
