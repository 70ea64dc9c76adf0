// The repository browser as a person uses it: projects → repositories → one repository's branches and commits,
// Fetch now with its progress bar, and hiding a commit (then finding it again with "Show hidden commits").
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';
import { eventually, WAIT_MS, type Walk } from './walk.js';

/** The badge reads "⊘ Hidden" (the icon is decoration). */
const HIDDEN_BADGE = /^\W*Hidden$/;

export function commitList(walk: Walk): Locator {
  return walk.page.getByRole('list', { name: /^Commits of / });
}

/** The commit whose short id is `id`, in the list shown. */
export function commitItem(walk: Walk, id: string): Locator {
  return commitList(walk).getByRole('listitem').filter({ hasText: id });
}

/** Filters the repositories page by project, and opens a repository from the table. */
export async function openRepository(walk: Walk, project: string, repository: string): Promise<void> {
  const { page } = walk;
  await page.getByLabel('Project').selectOption({ label: project });
  await walk.at(new RegExp(`[?&]project=${encodeURIComponent(project).replace(/%20/g, '(\\+|%20)')}`));
  const table = page.getByRole('table', { name: 'Repositories' });
  // Only that project's repositories are listed.
  await eventually(async () => (await table.getByRole('row').allInnerTexts()).slice(1).every((row) => row.includes(project)), true);
  await walk.shot('repositories');
  await walk.audit('repositories of a connection');
  await table.getByRole('link', { name: repository, exact: true }).click();
  await walk.heading(repository);
}

/** Fetch now: the progress bar shows, the job succeeds, and the mirror's last fetched time appears. */
export async function fetchNow(walk: Walk): Promise<void> {
  const { page } = walk;
  const mirror = page.getByRole('region', { name: 'Mirror' });
  await mirror.getByText('not fetched').waitFor({ timeout: WAIT_MS });
  await mirror.getByRole('button', { name: 'Fetch now' }).click();
  await page.getByRole('progressbar', { name: 'Fetch progress' }).waitFor({ timeout: WAIT_MS });
  await page.getByText('Fetch: succeeded').waitFor({ timeout: WAIT_MS * 3 });
  await eventually(async () => (await page.getByRole('progressbar', { name: 'Fetch progress' }).getAttribute('value')) ?? '', '100');
  // The mirror card and the commit list now read from the mirror, with when it was fetched.
  await mirror.getByText(/^fetched\s+\S/).waitFor({ timeout: WAIT_MS });
  await page.getByText(/From the mirror, fetched/).waitFor({ timeout: WAIT_MS });
}

/** Ticks or clears "Show hidden commits": the box answers at once, and the address (?hidden=1) follows. */
async function setShowHidden(walk: Walk, show: boolean): Promise<void> {
  const box = walk.page.getByRole('checkbox', { name: 'Show hidden commits' });
  await box.setChecked(show);
  await eventually(() => new URL(walk.page.url()).searchParams.get('hidden') === '1', show);
}

/** Hides the newest commit: it leaves the list, comes back marked Hidden with "Show hidden commits", and unhides. */
export async function hideAndUnhideCommit(walk: Walk): Promise<void> {
  const hide = commitList(walk).getByRole('button', { name: /^Hide commit [0-9a-f]{8}$/ }).first();
  const id = /([0-9a-f]{8})$/.exec((await hide.textContent())?.trim() ?? '')?.[1];
  expect(id, 'the Hide button names the commit').toBeDefined();
  const shortId = id!;
  await hide.click();
  await commitItem(walk, shortId).waitFor({ state: 'detached', timeout: WAIT_MS });
  await walk.shot('commit-hidden');

  await setShowHidden(walk, true);
  const item = commitItem(walk, shortId);
  await item.waitFor({ timeout: WAIT_MS });
  await item.getByText(HIDDEN_BADGE).waitFor({ timeout: WAIT_MS });
  await walk.shot('hidden-commits-shown');
  await walk.audit('repository commits with hidden ones shown');

  await item.getByRole('button', { name: `Unhide commit ${shortId}`, exact: true }).click();
  await item.getByRole('button', { name: `Hide commit ${shortId}`, exact: true }).waitFor({ timeout: WAIT_MS });
  expect(await item.getByText(HIDDEN_BADGE).count(), 'an unhidden commit is no longer marked').toBe(0);
  await setShowHidden(walk, false);
  await commitItem(walk, shortId).waitFor({ timeout: WAIT_MS });
}
