// The browser the web UI's tests drive: Debian's Chromium (CI installs it when missing) through playwright-core,
// headless, with a fresh context per test. Screenshots of every state go to test-output/screenshots/ for people to
// look at; uncaught page errors are collected so a test can insist there were none.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
/** Debian's Chromium; CHROMIUM_PATH points elsewhere (another distribution, a developer's machine). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** The newest change under src/web (and the Vite config), so a stale build is noticed. */
function newestSourceChange(): number {
  const web = path.join(ROOT, 'src', 'web');
  const files = readdirSync(web, { recursive: true, encoding: 'utf8' }).map((f) => path.join(web, f));
  return Math.max(...[...files, path.join(ROOT, 'vite.config.ts')].map((f) => statSync(f).mtimeMs));
}

/**
 * The built UI is what the service serves. `npm test` builds it first; a lone `npx vitest run test/e2e` after editing
 * the UI would otherwise test yesterday's build, so a missing or older build is made here (`npx vite build`).
 */
export function ensureWebBuilt(): void {
  const index = path.join(ROOT, 'dist', 'web', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestSourceChange()) return;
  const built = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (built.status !== 0 || !existsSync(index)) {
    throw new Error(`dist/web/index.html is missing or older than src/web, and \`npx vite build\` failed (run \`npm run build\`):\n${built.stdout}\n${built.stderr}`);
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page (React crashes, failed promises), as text. */
  pageErrors: string[];
}

/** A fresh context (no cookies, no storage) and one page in it, with generous waits for a loaded machine. */
export async function openPage(browser: Browser): Promise<TestPage> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', timezoneId: 'UTC', reducedMotion: 'reduce' });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
  return { context, page, pageErrors };
}

/**
 * A screenshot named e.g. "01-sign-in" (numbered, so the folder reads as the walk): the full page from its top, or
 * only the viewport (`fullPage: false`) while a modal dialog is open, whose backdrop covers only the viewport.
 */
export async function screenshot(page: Page, name: string, o: { fullPage?: boolean } = {}): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const fullPage = o.fullPage ?? true;
  // From the top: a page scrolled to a field would otherwise show the sticky header stitched into its middle.
  if (fullPage) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage, animations: 'disabled', caret: 'hide' });
}

/** Removes an earlier run's screenshots whose names match (each test file owns its own names). */
export async function clearScreenshots(names: RegExp): Promise<void> {
  const files = await readdir(SCREENSHOTS).catch(() => [] as string[]);
  await Promise.all(files.filter((f) => names.test(f)).map((f) => rm(path.join(SCREENSHOTS, f), { force: true })));
}
