// The whole path a person takes through the web UI, in a real browser against the real service and the demo
// simulator: sign in with the link, add a connection and test it, break its token and see the hint, fix it, browse
// repositories, fetch a mirror, hide a commit, create an API token, and remove the connection. Every state is
// screenshotted (test-output/screenshots/) and every main page is checked with axe.
import { describe, expect, it } from 'vitest';
import { useBrowserWorld } from './browser-world.js';
import { checksList, expectAllChecksPass, expectDisabled, fillNewConnection, finishedChecks, openRemoveDialog, replacePat, runTest, saveChanges } from './connection-steps.js';
import { commitList, fetchNow, hideAndUnhideCommit, openRepository } from './repository-steps.js';
import { eventually, Walk, WAIT_MS } from './walk.js';

const ORGANIZATION = 'https://dev.azure.com/fabrikam';
const NAME = 'fabrikam';
/** Looks like a PAT (one word of letters and digits), so the form takes it; Azure DevOps refuses it. */
const WRONG_PAT = 'wrongpat7x3k9q2m5n8b4v6c1z0l2j4h6g8f0d2s4a6p8o0i2u4y';

describe('the web UI, walked as a person would', () => {
  const b = useBrowserWorld('walk', { screenshots: /^(\d\d|FAILED)-/, simulator: true });

  it('signs in, adds and tests a connection, browses and fetches a repository, makes a token and removes the connection', async () => {
    const walk = new Walk(b.tab.page);
    const { page } = walk;
    const pat = b.world.pat!;

    await walk.step('a visitor without a session lands on sign-in', async () => {
      await page.goto(`${b.world.base}/connections`);
      await walk.at(/^\/sign-in/);
      await walk.heading('Sign in');
      await page.getByRole('heading', { name: 'How to get a sign-in link' }).waitFor();
      await walk.shot('sign-in');
      await walk.audit('sign-in');
    });

    await walk.step('the one-time link signs in and shows the empty connections page', async () => {
      await page.goto(b.world.signInUrl);
      await walk.at(/^\/connections$/);
      await walk.heading('Connections');
      await walk.visible('No connections yet');
      // The link's token is taken out of the address bar.
      expect(page.url()).not.toContain('token=');
      await walk.shot('connections-empty');
      await walk.audit('connections (empty)');
    });

    await walk.step('the keyboard reaches Add connection and Enter opens it', async () => {
      const addLink = page.getByRole('link', { name: 'Add connection' });
      await addLink.waitFor();
      let focused = '';
      for (let i = 0; i < 25 && focused !== 'Add connection'; i += 1) {
        await page.keyboard.press('Tab');
        focused = (await page.locator(':focus').first().textContent().catch(() => ''))?.trim() ?? '';
      }
      expect(focused, 'Tab reaches "Add connection"').toBe('Add connection');
      await page.keyboard.press('Enter');
      await walk.at(/^\/connections\/new$/);
      await walk.heading('Add connection');
      await walk.shot('add-connection');
      await walk.audit('add connection form');
    });

    await walk.step('saving the new connection tests it: every check passes', async () => {
      await fillNewConnection(walk, { url: ORGANIZATION, name: NAME, pat });
      await walk.shot('add-connection-filled');
      await page.getByRole('button', { name: 'Save and test' }).click();
      await walk.at(/^\/connections\/[^/]+$/);
      await walk.heading(NAME);
      await expectAllChecksPass(walk);
      await walk.shot('connection-tested');
      await walk.audit('connection (test passed)');
    });

    await walk.step('the list shows the connection and its passed test', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
      await walk.at(/^\/connections$/);
      const row = page.getByRole('table', { name: 'Connections' }).getByRole('row').filter({ hasText: NAME });
      await row.getByRole('link', { name: NAME }).waitFor();
      await walk.shot('connections-list');
      await walk.phoneShot('connections-list');
      await walk.audit('connections list');
      await row.getByRole('link', { name: NAME }).click();
      await walk.heading(NAME);
    });

    await walk.step('a wrong token makes the test fail with a hint beside the failing check', async () => {
      await replacePat(walk, NAME, WRONG_PAT);
      await walk.shot('edit-connection');
      await walk.audit('edit connection form');
      await saveChanges(walk, NAME);
      await runTest(walk);
      const checks = await finishedChecks(walk);
      await walk.visible(/^\d+ checks? failed\.$/);
      const failed = checksList(walk).getByRole('listitem').filter({ hasText: 'Failed' });
      expect(await failed.count(), `a check fails: ${checks.join(' | ')}`).toBeGreaterThan(0);
      // Beside the failing check: what went wrong and how to fix it, as the service reported them.
      const stored = await b.world.service.ctx.connectionsFor('default').describeConnection(NAME);
      const report = stored.status.lastTestResult as { checks: Array<{ status: string; message: string; hint?: string }> };
      const failing = report.checks.filter((c) => c.status === 'fail');
      expect(failing.length).toBe(await failed.count());
      const shownText = await failed.first().innerText();
      expect(shownText).toContain(failing[0]!.message);
      expect(failing[0]!.hint, 'the service gives a hint for a refused token').toBeTruthy();
      expect(shownText).toContain(failing[0]!.hint);
      await walk.shot('connection-test-failed');
      await walk.audit('connection (test failed)');
    });

    await walk.step('the right token again makes the test pass', async () => {
      await replacePat(walk, NAME, pat);
      await saveChanges(walk, NAME);
      await runTest(walk);
      await expectAllChecksPass(walk);
    });

    await walk.step('projects, repositories, a repository with branches and commits', async () => {
      await page.getByRole('link', { name: 'Repositories', exact: true }).click();
      await walk.heading('Repositories');
      await openRepository(walk, 'Fabrikam Fiber', 'web');
      await commitList(walk).getByRole('listitem').first().waitFor({ timeout: WAIT_MS });
      await walk.shot('repository-commits');
      await walk.audit('repository (commits)');
      await page.getByRole('tab', { name: 'Branches' }).click();
      const branches = page.getByRole('table', { name: 'Branches' });
      await branches.getByRole('button', { name: 'Commits of feature/login' }).waitFor();
      await walk.shot('repository-branches');
      await walk.audit('repository (branches)');
      await page.getByRole('tab', { name: 'Commits' }).click();
      await commitList(walk).getByRole('listitem').first().waitFor({ timeout: WAIT_MS });
    });

    await walk.step('Fetch now shows progress and ends with the last fetched time', async () => {
      await fetchNow(walk);
      await walk.shot('repository-fetched');
      await walk.phoneShot('repository');
    });

    await walk.step('a hidden commit leaves the list and "Show hidden commits" shows it marked', async () => {
      await hideAndUnhideCommit(walk);
    });

    await walk.step('the jobs page lists the fetch', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
      await walk.at(/^\/jobs/);
      await walk.heading('Jobs');
      await walk.visible(/Fabrikam Fiber\/web/);
      await walk.shot('jobs');
      await walk.audit('jobs');
    });

    await walk.step('an API token is created and shown once', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members & tokens' }).click();
      await walk.at(/^\/members/);
      await walk.shot('members-and-tokens');
      await walk.audit('members and tokens');
      await page.getByLabel('Token name').fill('nightly-backup');
      await page.getByLabel('Scope').selectOption('write');
      await page.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByLabel('API token nightly-backup');
      await shown.waitFor();
      const token = await shown.inputValue();
      expect(token.length, 'the token is shown').toBeGreaterThan(20);
      await walk.shot('api-token-created');
      // It works for scripts...
      const res = await fetch(`${b.world.service.url}/api/v1/connections`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      // ...and is never shown again.
      await page.reload();
      await page.getByRole('table', { name: 'API tokens' }).getByRole('button', { name: 'Revoke nightly-backup' }).waitFor();
      expect(await page.getByLabel('API token nightly-backup').count()).toBe(0);
      expect(await page.content()).not.toContain(token);
    });

    await walk.step('removing the connection asks for its name; Escape closes the dialog', async () => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
      await page.getByRole('link', { name: NAME, exact: true }).click();
      await walk.heading(NAME);
      const first = await openRemoveDialog(walk, NAME);
      await page.keyboard.press('Escape');
      await first.waitFor({ state: 'detached' });
      // Focus goes back to the button that opened it.
      await eventually(async () => (await page.locator(':focus').first().textContent().catch(() => ''))?.trim(), 'Remove');

      const dialog = await openRemoveDialog(walk, NAME);
      // The fetched mirror is named among what goes away.
      await dialog.getByText(/Mirrors: 1 /).waitFor();
      const remove = dialog.getByRole('button', { name: 'Remove connection' });
      await expectDisabled(remove, true);
      await dialog.getByLabel(`Type ${NAME} to confirm`).fill(`${NAME}-typo`);
      await expectDisabled(remove, true);
      await dialog.getByLabel(`Type ${NAME} to confirm`).fill(NAME);
      await expectDisabled(remove, false);
      await walk.shot('remove-connection-dialog', { fullPage: false });
      await walk.audit('remove connection dialog');
      await remove.click();
      await walk.at(/^\/connections$/);
      await walk.visible('No connections yet');
      expect(await page.getByRole('link', { name: NAME, exact: true }).count()).toBe(0);
      await walk.shot('connections-after-remove');
    });

    expect(b.tab.pageErrors, 'no uncaught errors in the page').toEqual([]);
    walk.expectAccessible();
    console.log(`screenshots (test-output/screenshots/): ${walk.screenshots.join(', ')}`);
  }, 300_000);
});
