// Sessions in a real browser: signing out returns to the sign-in page, a reload without a session lands there too,
// and a used or made-up sign-in link says clearly that it did not work and how to get a new one.
import { describe, expect, it } from 'vitest';
import { useBrowserWorld } from './browser-world.js';
import { Walk } from './walk.js';

describe('signing in and out of the web UI', () => {
  const b = useBrowserWorld('sign-in', { screenshots: /^session-/ });

  it('signing out returns to sign-in, a reload stays signed out, and a used or made-up link is refused clearly', async () => {
    const walk = new Walk(b.tab.page, 'session-');
    const { page } = walk;

    await walk.step('the link signs in', async () => {
      await page.goto(b.world.signInUrl);
      await walk.at(/^\/connections$/);
      await walk.heading('Connections');
    });

    await walk.step('signing out returns to the sign-in page', async () => {
      // The user menu is the button named after the user: the first start's administrator.
      await page.getByRole('banner').getByRole('button', { name: 'Administrator' }).click();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await walk.at(/^\/sign-in/);
      await walk.visible('You are signed out.');
      await walk.shot('signed-out');
      await walk.audit('signed out');
    });

    await walk.step('a reload without a session lands on sign-in', async () => {
      await page.goto(`${b.world.base}/connections`);
      await walk.at(/^\/sign-in/);
      await walk.heading('Sign in');
      await page.reload();
      await walk.at(/^\/sign-in/);
      await walk.heading('Sign in');
    });

    await walk.step('the used link is refused with a clear message', async () => {
      await page.goto(b.world.signInUrl);
      await walk.visible('That sign-in link did not work.');
      await walk.visible(/Links work once and expire/);
      await page.getByRole('heading', { name: 'How to get a sign-in link' }).waitFor();
      expect(page.url()).not.toContain('token=');
      await walk.shot('used-link');
      await walk.audit('used sign-in link');
    });

    await walk.step('a made-up link is refused the same way', async () => {
      await page.goto(`${b.world.base}/sign-in#token=made-up-token`);
      await walk.visible('That sign-in link did not work.');
      await page.goto(`${b.world.base}/connections`);
      await walk.at(/^\/sign-in/);
    });

    expect(b.tab.pageErrors, 'no uncaught errors in the page').toEqual([]);
    walk.expectAccessible();
  }, 120_000);
});
