// One browser tab over one service world for a describe block: built UI, cleared screenshots of its prefix, the
// browser and the world started side by side, and all of it closed afterwards. Every browser test file starts so.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { clearScreenshots, ensureWebBuilt, launchBrowser, openPage, type TestPage } from './browser.js';
import { webWorld, type WebWorld } from './web-world.js';

export interface BrowserWorld {
  readonly tab: TestPage;
  readonly world: WebWorld;
}

/** Registers beforeAll/afterAll; read `tab` and `world` inside tests (they exist once beforeAll ran). */
export function useBrowserWorld(name: string, o: { screenshots: RegExp; simulator?: boolean }): BrowserWorld {
  let browser: Browser | undefined;
  let world: WebWorld | undefined;
  let tab: TestPage | undefined;

  beforeAll(async () => {
    ensureWebBuilt();
    await clearScreenshots(o.screenshots);
    [browser, world] = await Promise.all([launchBrowser(), webWorld(name, o.simulator ? { simulator: true } : {})]);
    tab = await openPage(browser);
  }, 180_000);

  afterAll(async () => {
    await tab?.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await world?.close();
  }, 60_000);

  return {
    get tab() {
      if (!tab) throw new Error('the browser world is used before beforeAll ran');
      return tab;
    },
    get world() {
      if (!world) throw new Error('the browser world is used before beforeAll ran');
      return world;
    },
  };
}
