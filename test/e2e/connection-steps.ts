// Connection pages as a person uses them: the form, Test connection with its checks, edit, and removal through the
// confirmation dialog. Only roles, labels and visible text: what a screen reader user hears is what the test reads.
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';
import { eventually, WAIT_MS, type Walk } from './walk.js';

export interface NewConnection {
  url: string;
  name: string;
  pat: string;
}

/** The Add connection form filled in for an Azure DevOps Services organization with a PAT. */
export async function fillNewConnection(walk: Walk, c: NewConnection): Promise<void> {
  const { page } = walk;
  await page.getByRole('radio', { name: /^Services\b/ }).check();
  await page.getByLabel('Organization URL').fill(c.url);
  await page.getByLabel('Name', { exact: true }).fill(c.name);
  await page.getByRole('radio', { name: /^Personal access token\b/ }).check();
  await page.getByLabel('Personal access token', { exact: true }).fill(c.pat);
}

export interface NewServerSshConnection {
  /** The server's address, e.g. https://tfs.contoso.com/tfs (the simulator's URL). */
  serverUrl: string;
  collection: string;
  name: string;
  /** An RSA private key (PEM or OpenSSH), pasted as a person would paste the file's text. */
  privateKey: string;
  sshPort: number;
}

/** The Add connection form filled in for an Azure DevOps Server collection with an imported SSH key and its port. */
export async function fillNewServerSshConnection(walk: Walk, c: NewServerSshConnection): Promise<void> {
  const { page } = walk;
  await page.getByRole('radio', { name: /^Server\b/ }).check();
  await page.getByLabel('Server URL').fill(c.serverUrl);
  await page.getByLabel('Collection').fill(c.collection);
  await page.getByLabel('Name', { exact: true }).fill(c.name);
  await page.getByRole('radio', { name: /^SSH key\b/ }).check();
  await page.getByRole('radio', { name: 'Import a key I have' }).check();
  await page.getByLabel('Private key', { exact: true }).fill(c.privateKey);
  // The port is among the folded-away settings; a Server's SSH port is seldom 22 in a test.
  const port = page.getByLabel(/^SSH port\b/);
  if (!(await port.isVisible())) await page.getByText('Proxy headers, TLS and SSH port', { exact: true }).click();
  await port.fill(String(c.sshPort));
}

export function checksList(walk: Walk): Locator {
  return walk.page.getByRole('list', { name: 'Checks' });
}

/** The summary that ends a test: "Connection works." or "N checks failed." */
const SUMMARY = /^(Connection works\.|\d+ checks? failed\.)$/;

/** The text of every check shown, once the test has finished (its summary is there). */
export async function finishedChecks(walk: Walk): Promise<string[]> {
  await walk.page.getByText(SUMMARY).waitFor({ timeout: WAIT_MS * 2 });
  const items = checksList(walk).getByRole('listitem');
  return items.allInnerTexts();
}

/**
 * Test connection ends in "Connection works.": every check passed. A warning is a pass with advice (the demo's full
 * PAT is warned about for having more access than azdo-connect needs), so it counts; a failure or a skip does not.
 */
export async function expectAllChecksPass(walk: Walk): Promise<void> {
  const checks = await finishedChecks(walk);
  // The summary is on the page by now: read it, rather than wait a second for it (a loaded browser may not answer
  // within one), and say which it is when it is not the one expected.
  const summary = await walk.page.getByText(SUMMARY).innerText();
  expect(summary.trim(), `the test's summary: ${checks.join(' | ')}`).toBe('Connection works.');
  expect(checks.length, 'Test connection shows its checks').toBeGreaterThan(2);
  // Each check says its status in words (the icon beside it is decoration).
  for (const check of checks) expect(check, 'every check passes').toMatch(/\b(Passed|Warning)\b/);
  expect(checks.filter((c) => /\bPassed\b/.test(c)).length, 'most checks pass outright').toBeGreaterThan(checks.length / 2);
}

/** Clicks Test connection; finishedChecks() waits for the result. */
export async function runTest(walk: Walk): Promise<void> {
  await walk.page.getByRole('button', { name: 'Test connection' }).click();
}

/**
 * Presses `button` (Test connection, or the host key prompt's "Trust this key and test again") on a page that may
 * already show an earlier result, and waits until this test has finished: the service has recorded a test newer than
 * `before` (its lastTestAt), and the page is no longer testing. The click hides the earlier result at once, before
 * the request leaves, so what the page shows afterwards is this test's.
 */
export async function testAgain(walk: Walk, button: Locator, lastTestAt: () => Promise<string | undefined>): Promise<void> {
  const before = await lastTestAt();
  await button.click();
  await eventually(async () => (await lastTestAt()) !== before, true, 'the service records the new test');
  await walk.page.getByRole('button', { name: 'Test connection' }).waitFor({ timeout: WAIT_MS * 2 });
  await finishedChecks(walk);
}

/** Replaces the stored PAT through Edit → Replace token → Save changes, and lands back on the connection. */
export async function replacePat(walk: Walk, name: string, pat: string): Promise<void> {
  const { page } = walk;
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await walk.heading(`Edit ${name}`);
  await page.getByRole('button', { name: 'Replace token' }).click();
  await page.getByLabel('Personal access token', { exact: true }).fill(pat);
}

export async function saveChanges(walk: Walk, name: string): Promise<void> {
  await walk.page.getByRole('button', { name: 'Save changes' }).click();
  await walk.visible('Changes saved.');
  await walk.heading(name);
}

/** The remove dialog, opened from the connection's page. */
export async function openRemoveDialog(walk: Walk, name: string): Promise<Locator> {
  await walk.page.getByRole('button', { name: 'Remove', exact: true }).click();
  const dialog = walk.page.getByRole('alertdialog', { name: `Remove ${name}?` });
  await dialog.waitFor({ timeout: WAIT_MS });
  // What stops working is said before anything is removed.
  await dialog.getByText(/stop working/).waitFor({ timeout: WAIT_MS });
  return dialog;
}

export async function expectDisabled(button: Locator, disabled: boolean): Promise<void> {
  await eventually(() => button.isDisabled(), disabled);
}
