/** One Chromium for the whole batch, launched on first use (a JSON-only batch never starts one). */
import type { Browser } from 'puppeteer';
import { launchBrowser, type LaunchedBrowser } from '../report/browser.js';

export class BrowserSlot {
  private launched: Promise<LaunchedBrowser> | null = null;

  async get(): Promise<Browser> {
    this.launched ??= launchBrowser();
    return (await this.launched).browser;
  }

  async close(): Promise<void> {
    if (!this.launched) return;
    const l = await this.launched.catch(() => null);
    await l?.close();
  }
}
