/**
 * One Chromium, launched on first use or ahead of it, shared by every report
 * written while it lives (a batch; one analyze run). A JSON-only run never
 * starts one.
 */
import type { Browser } from 'puppeteer-core';
import { launchBrowser, type LaunchedBrowser } from './browser.js';

export class BrowserSlot {
  private launched: Promise<LaunchedBrowser> | null = null;

  /**
   * Starts the launch without waiting for it: analyze calls this before it
   * reads the bundle, so Chromium's start (its own processes) overlaps the
   * parse instead of following it. A failed launch is reported by get(), where
   * the PDF is made, so the other formats are written first as before.
   */
  start(): void {
    if (this.launched) return;
    this.launched = launchBrowser();
    this.launched.catch(() => undefined);
  }

  async get(): Promise<Browser> {
    this.start();
    return (await (this.launched as Promise<LaunchedBrowser>)).browser;
  }

  async close(): Promise<void> {
    if (!this.launched) return;
    const l = await this.launched.catch(() => null);
    await l?.close();
  }
}
