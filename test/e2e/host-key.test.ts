// An Azure DevOps Server connection over SSH, in a real browser against the real service and the demo simulator:
// the first test shows the server's SSH host key and asks to trust it; testing again without trusting pins nothing
// and asks again; trusting pins the key (the SSH checks then pass), and later tests do not ask. The prompt is
// screenshotted and checked with axe, at desktop and phone width.
import { readFile } from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserWorld } from './browser-world.js';
import { checksList, expectAllChecksPass, fillNewServerSshConnection, finishedChecks, testAgain } from './connection-steps.js';
import { Walk, WAIT_MS } from './walk.js';

const NAME = 'intranet-ssh';
const COLLECTION = 'DefaultCollection';

/** The prompt asking to trust a host key seen for the first time (an alert, so screen readers announce it). */
function hostKeyPrompt(walk: Walk): Locator {
  return walk.page.getByRole('alert').filter({ hasText: /^Trust the SSH host key of / });
}

/** The check of the server's SSH host key, as shown. */
function hostKeyCheck(walk: Walk): Locator {
  return checksList(walk).getByRole('listitem').filter({ has: walk.page.getByRole('heading', { name: 'SSH host key', exact: true }) });
}

describe('trusting a Server\'s SSH host key in the web UI', () => {
  const b = useBrowserWorld('host-key', { screenshots: /^host-key-/, simulator: true });

  it('shows the host key\'s fingerprint to confirm, pins nothing until trusted, then pins it and does not ask again', async () => {
    const walk = new Walk(b.tab.page, 'host-key-');
    const { page } = walk;
    const sim = b.world.sim!;
    const fingerprint = sim.sshHostKeyFingerprint;
    const where = `127.0.0.1:${sim.sshPort}`;
    const alice = sim.ready.users.find((u) => u.name === 'alice@example.com');
    expect(alice?.sshPrivateKeyPath, 'the demo seed gives alice an SSH key registered in the simulator').toBeTruthy();
    const privateKey = await readFile(alice!.sshPrivateKeyPath!, 'utf8');
    const stored = () => b.world.service.ctx.connectionsFor('default').describeConnection(NAME);
    const lastTestAt = async () => (await stored()).status.lastTestAt;
    const trust = () => hostKeyPrompt(walk).getByRole('button', { name: 'Trust this key and test again' });

    await walk.step('the link signs in', async () => {
      await page.goto(b.world.signInUrl);
      await walk.at(/^\/connections$/);
      await walk.heading('Connections');
    });

    await walk.step('a Server connection with an SSH key is added through the form', async () => {
      await page.getByRole('link', { name: 'Add connection' }).click();
      await walk.heading('Add connection');
      await fillNewServerSshConnection(walk, { serverUrl: sim.url, collection: COLLECTION, name: NAME, privateKey, sshPort: sim.sshPort });
      await walk.shot('add-server-ssh-connection');
      await walk.audit('add connection form (Server, SSH key)');
      await page.getByRole('button', { name: 'Save and test' }).click();
      await walk.at(/^\/connections\/[^/]+$/);
      await walk.heading(NAME);
    });

    await walk.step('its first test shows the server\'s host key fingerprint and asks to trust it', async () => {
      const checks = await finishedChecks(walk);
      const prompt = hostKeyPrompt(walk);
      await prompt.waitFor({ timeout: WAIT_MS });
      await prompt.getByText(`Trust the SSH host key of ${where}?`, { exact: true }).waitFor();
      // The fingerprint shown is the one the simulator's SSH server really has, as its administrator would give it.
      expect((await prompt.getByText(/^SHA256:/).innerText()).trim()).toBe(fingerprint);
      // The host key check says why it is not trusted yet, and the key itself is checked only after trusting.
      expect(await hostKeyCheck(walk).innerText()).toMatch(/\bFailed\b/);
      expect(await hostKeyCheck(walk).innerText()).toContain(fingerprint);
      expect(checks.filter((c) => /\bSkipped\b/.test(c)).length, `the SSH key waits for the host key: ${checks.join(' | ')}`).toBeGreaterThan(0);
      // git refuses an unpinned host key, so until it is trusted the connection does not work, and nothing says it does.
      await page.getByText(/^1 check failed\./).waitFor({ timeout: WAIT_MS });
      expect(await page.getByText(/^Connection works/).count()).toBe(0);
      expect((await stored()).status.lastTestOk, 'the connections list shows it as failed until trusted').toBe(false);
      expect((await stored()).ssh.knownHosts, 'nothing is pinned before the user trusts it').toBeUndefined();
      await walk.shot('host-key-prompt');
      await walk.audit('connection (host key prompt)');
      await walk.phoneShot('host-key-prompt');
    });

    await walk.step('testing again without trusting pins nothing and asks again', async () => {
      await testAgain(walk, page.getByRole('button', { name: 'Test connection' }), lastTestAt);
      await hostKeyPrompt(walk).waitFor({ timeout: WAIT_MS });
      expect((await hostKeyPrompt(walk).getByText(/^SHA256:/).innerText()).trim()).toBe(fingerprint);
      expect((await stored()).ssh.knownHosts).toBeUndefined();
      expect(await page.getByText('Trusted SSH host keys').count(), 'the details list no trusted host key').toBe(0);
    });

    await walk.step('trusting the key pins it, and the SSH checks run again and pass', async () => {
      await testAgain(walk, trust(), lastTestAt);
      await expectAllChecksPass(walk);
      // Only the run after pinning is shown: the first run's checks (host key unconfirmed, SSH key skipped) are gone.
      const names = await checksList(walk).getByRole('heading').allInnerTexts();
      expect(names, 'each check once').toEqual([...new Set(names)]);
      const recorded = (await stored()).status.lastTestResult as { checks: unknown[] };
      expect(names).toHaveLength(recorded.checks.length);
      expect(await hostKeyPrompt(walk).count(), 'no prompt once the key is trusted').toBe(0);
      await page.getByText(`The SSH host key of ${where} is now trusted (${fingerprint}).`, { exact: true }).waitFor({ timeout: WAIT_MS });
      expect(await hostKeyCheck(walk).innerText()).toMatch(/\bPassed\b/);
      expect((await stored()).status.lastTestOk).toBe(true);
      const knownHosts = (await stored()).ssh.knownHosts;
      expect(knownHosts).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sim.sshPort} ssh-rsa AAAA\\S+$`));
      // The details beside the test follow at once.
      await page.getByText('Trusted SSH host keys').waitFor({ timeout: WAIT_MS });
      await walk.shot('host-key-trusted');
      await walk.audit('connection (host key trusted)');
    });

    await walk.step('a later test, after a reload, does not ask again', async () => {
      await page.reload();
      await walk.heading(NAME);
      await testAgain(walk, page.getByRole('button', { name: 'Test connection' }), lastTestAt);
      await expectAllChecksPass(walk);
      expect(await hostKeyPrompt(walk).count(), 'the pinned key is not asked about').toBe(0);
      expect(await page.getByText(/is now trusted/).count(), 'nothing new is pinned').toBe(0);
      expect(await hostKeyCheck(walk).innerText()).toContain(`presented the pinned host key ${fingerprint}`);
      expect((await stored()).ssh.knownHosts?.split('\n'), 'still the one key').toHaveLength(1);
    });

    expect(b.tab.pageErrors, 'no uncaught errors in the page').toEqual([]);
    walk.expectAccessible();
    console.log(`screenshots (test-output/screenshots/): ${walk.screenshots.join(', ')}`);
  }, 300_000);
});
