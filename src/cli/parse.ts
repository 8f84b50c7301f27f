import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../bundle/ingest.js';
import { parseBytes } from '../parsers/collect.js';
import { PARSERS, parserById, parserForContent, parserForPath } from '../parsers/registry.js';
import { timeFromName } from '../bundle/attachments.js';
import { UsageError } from './main.js';

/** The longest bundle-relative suffix of a path that a parser claims (…/sos_commands/sar/sar23 → sos_commands/sar/sar23). */
function detectByPath(file: string): ReturnType<typeof parserForPath> {
  const parts = path.resolve(file).split(path.sep).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const p = parserForPath(parts.slice(i).join('/'));
    if (p) return p;
  }
  return undefined;
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('print the records parsed from one file as JSON (source detected from path and content)')
    .argument('<file>', 'a file from a bundle or a loose attachment')
    .option('--as <source>', `parser id: ${PARSERS.map((p) => p.id).join(', ')}`)
    .addHelpText('after', '\nExamples:\n  sosmortem parse sosreport-x/sos_commands/sar/sar23\n  sosmortem parse vmstat.txt --as vmstat')
    .action(async (file: string, flags: { as?: string }) => {
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) throw new InputError(`cannot read ${file}: not a file`, 'give a file path');
      if (st.size > 512 * 1024 * 1024) throw new InputError(`${file} is larger than 512 MiB`, 'use analyze, which streams large files');
      const bytes = await readFile(file);
      const parser = flags.as ? parserById(flags.as) : (detectByPath(file) ?? parserForContent(bytes.subarray(0, 16384).toString('utf8'), path.basename(file)));
      if (flags.as && !parser) throw new UsageError(`unknown source "${flags.as}"`, `choose from ${PARSERS.map((p) => p.id).join(', ')}`);
      if (!parser) throw new InputError(`cannot tell what ${file} is`, 'name the source with --as');
      const fileTime = timeFromName(file);
      const result = parseBytes(parser, bytes, fileTime === undefined ? { path: file } : { path: file, fileTime });
      process.stdout.write(`${JSON.stringify({ source: parser.id, format: result.formats, records: result.records, diagnostics: result.diagnostics }, null, 1)}\n`);
    });
}
