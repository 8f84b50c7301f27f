/**
 * Writes the fleet summary files of an output directory: summary.csv (one row
 * per bundle, papaparse), summary.json, fleet.html and, when asked, fleet.pdf.
 */
import path from 'node:path';
import Papa from 'papaparse';
import { writeAtomic } from '../report/write.js';
import type { BrowserSlot } from '../report/browser-slot.js';
import { fleetSummary, type FleetSummary } from './fleet.js';
import { csvRecord, type BundleRow } from './row.js';

export interface FleetWriteOptions {
  elapsedMs: number | null;
  pdf: boolean;
  browser?: BrowserSlot;
  paper: 'A4' | 'Letter';
  /** html is skipped for benchmarks and most tests: Vega is the slow part */
  html?: boolean;
}

export function summaryCsv(rows: readonly BundleRow[]): string {
  return `${Papa.unparse(rows.map(csvRecord), { newline: '\n' })}\n`;
}

export async function writeFleet(outDir: string, rows: readonly BundleRow[], opts: FleetWriteOptions): Promise<string[]> {
  const summary: FleetSummary = fleetSummary(rows, { generatedAt: new Date().toISOString(), elapsedMs: opts.elapsedMs });
  const files: string[] = [];
  const put = async (name: string, data: string | Uint8Array): Promise<void> => {
    const file = path.join(outDir, name);
    await writeAtomic(file, data, true);
    files.push(file);
  };
  await put('summary.csv', summaryCsv(summary.bundles));
  await put('summary.json', `${JSON.stringify(summary, null, 2)}\n`);
  if (opts.html !== false || opts.pdf) {
    const { renderFleetHtml } = await import('./fleet-html.js');
    const html = await renderFleetHtml(summary);
    await put('fleet.html', html);
    if (opts.pdf) {
      const { renderPdf } = await import('../report/pdf.js');
      const { BrowserSlot } = await import('../report/browser-slot.js');
      const slot = opts.browser ?? new BrowserSlot();
      try {
        const pdf = await renderPdf(html, { paper: opts.paper, headerLeft: `fleet: ${summary.totals.hosts} hosts`, headerRight: summary.generatedAt.slice(0, 10) }, await slot.get());
        await put('fleet.pdf', pdf);
      } finally {
        if (!opts.browser) await slot.close();
      }
    }
  }
  return files;
}
