// sos's own metadata. manifest.json is written by sos/report/__init__.py
// (SoSMetadata, json.dumps with default=str): the top-level start_time is
// str(datetime.now()), a naive LOCAL time like "2026-11-23 10:49:13.123456";
// each command's start_time is time.time(), epoch seconds. version.txt
// ("sosreport: 3.5") comes from older sos.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** manifest.json is small (KB to a few MB); refuse to buffer more than this. */
export const MAX_MANIFEST_CHARS = 64 * 1024 * 1024;

export type StatedTime = { base: 'utc'; ms: number } | { base: 'local'; ms: number };

/** Reads "2026-11-23 10:49:13.123456", "...T...+01:00", "...Z" or epoch seconds (or ms). */
export function parseManifestTime(v: unknown): StatedTime | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) {
    return { base: 'utc', ms: Math.round(v > 1e11 ? v : v * 1000) };
  }
  if (typeof v !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return null;
  const frac = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), frac);
  if (!Number.isFinite(local)) return null;
  const zone = m[8];
  if (zone === undefined) return { base: 'local', ms: local };
  if (zone === 'Z') return { base: 'utc', ms: local };
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const off = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  return { base: 'utc', ms: local - off * 60000 };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const isVersionTxt = /(^|\/)version\.txt$/.test(ctx.path);
  const chunks: string[] = [];
  let size = 0;
  let overflow = false;
  let versionFound = false;

  function emitTime(name: 'start', v: unknown): void {
    const t = parseManifestTime(v);
    if (t === null) {
      if (v !== undefined && v !== '') sink.diagnostic(undefined, 'warning', `unreadable ${name}_time ${JSON.stringify(v)}`);
      return;
    }
    sink.fact(t.base === 'utc' ? 'time.collectedUtc' : 'time.collectedLocal', t.ms, 1);
  }

  function walk(node: unknown, depth: number): void {
    if (depth > 12) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    if (!isRecord(node)) return;
    // A command entry: {exec, filepath, truncated, return_code, start_time, ...}.
    if ('exec' in node && 'truncated' in node) {
      const file = typeof node['filepath'] === 'string' ? node['filepath'] : typeof node['exec'] === 'string' ? node['exec'] : '?';
      if (node['truncated'] === true) {
        sink.fact('sos.truncated', true, 1, { file });
        sink.diagnostic(undefined, 'warning', `sos truncated the output of ${typeof node['exec'] === 'string' ? node['exec'] : file} (${file}): older data is missing`);
      }
      const t = parseManifestTime(node['start_time']);
      if (t !== null && t.base === 'utc' && typeof node['filepath'] === 'string') sink.fact('sos.fileCollectedUtc', t.ms, 1, { file });
      return;
    }
    for (const v of Object.values(node)) walk(v, depth + 1);
  }

  return {
    push(line, lineNo) {
      if (isVersionTxt) {
        const m = /^sos(?:report)?:\s*(\S+)/.exec(line.trim());
        if (m && !versionFound) {
          versionFound = true;
          sink.fact('sos.version', m[1] ?? '', lineNo);
        }
        return;
      }
      if (overflow) return;
      size += line.length + 1;
      if (size > MAX_MANIFEST_CHARS) {
        overflow = true;
        chunks.length = 0;
        sink.diagnostic(lineNo, 'error', `manifest.json larger than ${MAX_MANIFEST_CHARS} characters; not read`);
        return;
      }
      chunks.push(line);
    },
    end() {
      if (isVersionTxt) {
        sink.format('version.txt');
        if (!versionFound) sink.diagnostic(undefined, 'warning', 'no "sosreport: <version>" line');
        return;
      }
      sink.format('sos manifest.json');
      if (overflow) return;
      let doc: unknown;
      try {
        doc = JSON.parse(chunks.join('\n'));
      } catch (err) {
        sink.diagnostic(undefined, 'error', `manifest.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      if (!isRecord(doc)) {
        sink.diagnostic(undefined, 'error', 'manifest.json is not a JSON object');
        return;
      }
      if (typeof doc['version'] === 'string') sink.fact('sos.version', doc['version'], 1);
      emitTime('start', doc['start_time']);
      walk(doc, 0);
    },
  };
}

export const manifestParser: SourceParser = {
  id: 'manifest',
  title: 'sos manifest.json and version.txt',
  paths: [/^sos_reports\/manifest\.json$/, /^version\.txt$/],
  sniff(head, name) {
    return (name === 'manifest.json' && head.includes('"cmdline"')) || /^sosreport: \d/.test(head);
  },
  create,
};
