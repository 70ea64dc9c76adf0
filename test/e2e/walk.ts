// What every step of a browser walk shares: the page, the service behind it, numbered screenshots, the axe audit of
// each main page, and waits long enough for a loaded two-core machine. playwright-core has no auto-waiting `expect`,
// so waits are Playwright's own (locator.waitFor, waitForURL) or vitest's expect.poll with a generous timeout.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { accessibilityProblems, describeFindings, type AxeFinding } from './accessibility.js';
import { DESKTOP, PHONE, screenshot } from './browser.js';

export const WAIT_MS = 30_000;

export class Walk {
  private shots = 0;
  readonly findings: AxeFinding[] = [];
  readonly screenshots: string[] = [];

  constructor(
    readonly page: Page,
    /** Put before every screenshot's name, so two test files never write the same file. */
    private readonly prefix = '',
  ) {}

  /** Screenshot "NN-name.png", numbered in the order taken: the full page, or the viewport while a dialog is open. */
  async shot(name: string, o: { fullPage?: boolean } = {}): Promise<void> {
    this.shots += 1;
    const file = `${this.prefix}${String(this.shots).padStart(2, '0')}-${name}`;
    this.screenshots.push(`${file}.png`);
    await screenshot(this.page, file, o);
  }

  /** The same at phone width (375×812), with an axe audit there too (the layout is another one); then back. */
  async phoneShot(name: string): Promise<void> {
    this.shots += 1;
    const file = `${this.prefix}${String(this.shots).padStart(2, '0')}-${name}-phone`;
    this.screenshots.push(`${file}.png`);
    await this.page.setViewportSize(PHONE);
    try {
      await screenshot(this.page, file);
      await this.audit(`${name} at phone width`);
    } finally {
      await this.page.setViewportSize(DESKTOP);
    }
  }

  /** Runs axe on the page as it is now; its findings are kept for the end of the walk (expectAccessible). */
  async audit(where: string): Promise<void> {
    this.findings.push(...(await accessibilityProblems(this.page, where)));
  }

  /** Fails on any serious or critical axe finding of the walk, all listed; moderate and minor ones are printed. */
  expectAccessible(): void {
    const lesser = this.findings.filter((f) => !f.failing);
    if (lesser.length > 0) console.log(`moderate or minor accessibility findings (not failing):\n\n${describeFindings(lesser)}`);
    const failing = this.findings.filter((f) => f.failing);
    expect(failing, `serious or critical accessibility problems:\n\n${describeFindings(failing)}`).toEqual([]);
  }

  /** The page's main heading reads `name`. */
  async heading(name: string | RegExp): Promise<void> {
    await this.page.getByRole('heading', { level: 1, name }).waitFor({ timeout: WAIT_MS });
  }

  /** Waits until the address (path and query) matches. */
  async at(pathPattern: RegExp): Promise<void> {
    await this.page.waitForURL((url) => pathPattern.test(url.pathname + url.search), { timeout: WAIT_MS });
  }

  /** Runs one named step; a failure says which step it was (the walk is long) and leaves a screenshot of it. */
  async step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      await screenshot(this.page, `${this.prefix}FAILED-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      const wrapped = new Error(`step "${name}" failed: ${message}`);
      if (error instanceof Error && error.stack) wrapped.stack = `${wrapped.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
      throw wrapped;
    }
  }

  async visible(text: string | RegExp): Promise<void> {
    await this.page.getByText(text).first().waitFor({ timeout: WAIT_MS });
  }
}

/** Waits (expect.poll, with the walk's patience) until `value()` equals `expected`. */
export async function eventually<T>(value: () => T | Promise<T>, expected: T, message?: string): Promise<void> {
  await expect.poll(value, { timeout: WAIT_MS, interval: 100, ...(message ? { message } : {}) }).toEqual(expected);
}
