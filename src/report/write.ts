import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { mark } from '../timings.js';
import type { ReportModel } from './model.js';

export type OutputFormat = 'pdf' | 'html' | 'md' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['pdf', 'html', 'md', 'json'];

export class OutputExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists`);
    this.name = 'OutputExistsError';
  }
}

/**
 * Writes a file so that a reader never sees half of it: into a temporary
 * name beside it, then renamed. An existing file is replaced only with force.
 */
export async function writeAtomic(file: string, data: string | Uint8Array, force: boolean): Promise<void> {
  if (!force) {
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new OutputExistsError(file);
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
}

/** Throws OutputExistsError for the first report file of `formats` already in outDir. */
export async function refuseExisting(outDir: string, formats: readonly OutputFormat[]): Promise<void> {
  for (const f of formats) {
    const file = path.join(outDir, `report.${f}`);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (exists) throw new OutputExistsError(file);
  }
}

export function jsonReport(model: ReportModel): string {
  return `${JSON.stringify(model.report, null, 2)}\n`;
}

/**
 * Renders the requested formats into outDir/report.<ext>; returns the files
 * written. `browser` may be a function: it is called only when the PDF is
 * made, so a browser that failed to launch fails the PDF alone, after the
 * other formats are written.
 */
export async function writeReports(
  model: ReportModel,
  outDir: string,
  formats: readonly OutputFormat[],
  opts: { force: boolean; browser?: Browser | (() => Promise<Browser>); page?: () => Promise<Page | null> },
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const target = (ext: string): string => path.join(outDir, `report.${ext}`);
  if (!opts.force) await refuseExisting(outDir, formats);
  if (formats.includes('json')) {
    await writeAtomic(target('json'), jsonReport(model), true);
    written.push(target('json'));
    mark('write json');
  }
  if (formats.includes('md')) {
    const { renderMarkdown } = await import('./markdown.js');
    await writeAtomic(target('md'), renderMarkdown(model), true);
    written.push(target('md'));
    mark('write markdown');
  }
  if (formats.includes('html') || formats.includes('pdf')) {
    const { renderHtml } = await import('./html.js');
    const html = await renderHtml(model);
    mark('render html');
    if (formats.includes('html')) {
      await writeAtomic(target('html'), html, true);
      written.push(target('html'));
    }
    if (formats.includes('pdf')) {
      const { renderPdf } = await import('./pdf.js');
      const b = model.report.bundle;
      const browser = typeof opts.browser === 'function' ? await opts.browser() : opts.browser;
      const page = (await opts.page?.()) ?? undefined;
      mark('wait for the browser');
      const pdf = await renderPdf(
        html,
        { paper: model.options.paper, headerLeft: b.hostname ?? 'unknown host', headerRight: b.collectedAt ? b.collectedAt.slice(0, 10) : '' },
        browser,
        page,
      );
      await writeAtomic(target('pdf'), pdf, true);
      written.push(target('pdf'));
      mark('print pdf');
    }
  }
  return written;
}
