/**
 * HTML → PDF through headless Chromium. The page may load nothing: every
 * request except the report document itself is aborted and scripts are off,
 * so a hostile string that slipped into the HTML can neither run nor phone
 * home. Reuse one browser across many reports (batch mode) by passing it in.
 */
import type { Browser, Page } from 'puppeteer-core';
import { withBrowser } from './browser.js';
import { escapeHtml } from './format.js';

export interface PdfOptions {
  paper: 'A4' | 'Letter';
  /** shown top left on every page: the host */
  headerLeft: string;
  /** shown top right on every page: the collection date */
  headerRight: string;
}

export interface PdfResult {
  pdf: Uint8Array;
  /** requests that were aborted (everything but the document and data: URLs) */
  blocked: string[];
  /** requests let through: data: URLs only */
  continued: string[];
}

const HEADER_STYLE = 'font-family:\'Noto Sans\',\'DejaVu Sans\',sans-serif;font-size:7.5pt;color:#64748b;width:100%;padding:0 14mm;display:flex;justify-content:space-between;';

export function headerTemplate(opts: PdfOptions): string {
  return `<div style="${HEADER_STYLE}"><span>${escapeHtml(opts.headerLeft)}</span><span>${escapeHtml(opts.headerRight)}</span></div>`;
}

export function footerTemplate(opts: PdfOptions): string {
  return (
    `<div style="${HEADER_STYLE}"><span>sosmortem · ${escapeHtml(opts.headerLeft)} · ${escapeHtml(opts.headerRight)}</span>` +
    '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
  );
}

/** `openPage`: a blank page of `browser` opened ahead (analyze opens one while it reads the bundle); closed here like a new one. */
export async function renderPdfDetailed(html: string, opts: PdfOptions, browser?: Browser, openPage?: Page): Promise<PdfResult> {
  return withBrowser(async (b) => {
    const page = openPage && !openPage.isClosed() ? openPage : await b.newPage();
    const blocked: string[] = [];
    const continued: string[] = [];
    try {
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = req.url();
        // setContent loads the document itself without a network request; anything else would leave the machine
        if (url.startsWith('data:')) {
          continued.push(url.slice(0, 64));
          void req.continue();
        } else {
          blocked.push(url);
          void req.abort('blockedbyclient');
        }
      });
      await page.setContent(html, { waitUntil: 'load', timeout: 60000 });
      const pdf = await page.pdf({
        format: opts.paper,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: headerTemplate(opts),
        footerTemplate: footerTemplate(opts),
        margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
        outline: true,
        tagged: true,
        timeout: 120000,
      });
      return { pdf, blocked, continued };
    } finally {
      await page.close();
    }
  }, browser);
}

export async function renderPdf(html: string, opts: PdfOptions, browser?: Browser, openPage?: Page): Promise<Uint8Array> {
  return (await renderPdfDetailed(html, opts, browser, openPage)).pdf;
}
