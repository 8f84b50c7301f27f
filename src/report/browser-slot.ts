/**
 * One Chromium, launched on first use or ahead of it, shared by every report
 * written while it lives (a batch; one analyze run). A JSON-only run never
 * starts one.
 */
import type { Browser, Page } from 'puppeteer-core';
import { launchBrowser, type LaunchedBrowser } from './browser.js';

export class BrowserSlot {
  private launched: Promise<LaunchedBrowser> | null = null;
  private spare: Promise<Page | null> | null = null;

  /**
   * Starts the launch without waiting for it, and opens a page once the
   * browser is up: analyze calls this before it reads the bundle, so
   * Chromium's start and the page's creation (its own processes) overlap the
   * parse instead of following it. A failed launch is reported by get(),
   * where the PDF is made, so the other formats are written first as before.
   */
  start(): void {
    if (this.launched) return;
    const launched = this.launch();
    this.spare = launched.then(
      (l) => l.browser.newPage(),
      () => null,
    );
    this.spare.catch(() => undefined);
  }

  async get(): Promise<Browser> {
    return (await this.launch()).browser;
  }

  /** The page start() opened, once; null after that, or when it could not be opened. */
  async takePage(): Promise<Page | null> {
    const spare = this.spare;
    this.spare = null;
    return spare ? spare.catch(() => null) : null;
  }

  async close(): Promise<void> {
    if (!this.launched) return;
    const l = await this.launched.catch(() => null);
    await l?.close();
  }

  private launch(): Promise<LaunchedBrowser> {
    if (!this.launched) {
      this.launched = launchBrowser();
      this.launched.catch(() => undefined);
    }
    return this.launched;
  }
}
