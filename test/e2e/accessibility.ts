// axe-core over the page as it is now. Serious and critical violations fail the test; they are written out readably
// (rule, what is wrong, which elements, how to fix) because a JSON dump of axe results is hard to act on.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

const FAILING = new Set(['serious', 'critical']);

export interface AxeFinding {
  /** Which page or state, e.g. "connections list". */
  where: string;
  /** Serious or critical: the test fails. Moderate and minor ones are only reported. */
  failing: boolean;
  text: string;
}

/** Every violation axe finds on `page` as it is now, each as readable text; empty when there are none. */
export async function accessibilityProblems(page: Page, where: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => `    - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s*\n\s*/g, '; ') ?? ''}`);
    const more = v.nodes.length > 5 ? [`    - ... and ${v.nodes.length - 5} more`] : [];
    return { where, failing: FAILING.has(v.impact ?? ''), text: [`[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`, ...nodes, ...more].join('\n') };
  });
}

/** All findings as one message, grouped by page. */
export function describeFindings(findings: AxeFinding[]): string {
  return findings.map((f) => `${f.where}:\n  ${f.text}`).join('\n\n');
}
