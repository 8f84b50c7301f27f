import type { SourceParser } from './types.js';
import { PERFORMANCE_PARSERS } from './sets/performance.js';
import { LOGS_PARSERS as LOG_PARSERS } from './sets/logs.js';
import { SYSTEM_PARSERS } from './sets/system.js';
import { VIRT_PARSERS } from './sets/virt.js';

/**
 * Every parser sosmortem knows, in one explicit list (no file-system discovery
 * of code). Order matters only for sniffing loose attachments: the first
 * parser whose sniff() accepts a file's head wins, so specific formats come
 * before generic ones.
 */
export const PARSERS: readonly SourceParser[] = [...SYSTEM_PARSERS, ...VIRT_PARSERS, ...PERFORMANCE_PARSERS, ...LOG_PARSERS];

const byId = new Map(PARSERS.map((p) => [p.id, p]));

export function parserById(id: string): SourceParser | undefined {
  return byId.get(id);
}

/** The parser responsible for a bundle-relative path, by the sosreport layout. */
export function parserForPath(relPath: string): SourceParser | undefined {
  // Most of a sosreport's thousands of files have no parser: one regex of all the
  // paths turns them away in a single native pass instead of ~60 tests each.
  if (!anyParserPath().test(relPath)) return undefined;
  for (const p of PARSERS) if (p.paths.some((re) => re.test(relPath))) return p;
  return undefined;
}

let anyPath: RegExp | null = null;

function anyParserPath(): RegExp {
  anyPath ??= new RegExp(PARSERS.flatMap((p) => p.paths.map((re) => `(?:${re.source})`)).join('|'));
  return anyPath;
}

/** The parser for a loose attachment, by its content (and name as a hint). */
export function parserForContent(head: string, name: string): SourceParser | undefined {
  for (const p of PARSERS) if (p.sniff(head, name)) return p;
  return undefined;
}
