/**
 * The line filter (SourceParser.lineFilter) must pass exactly the lines the
 * unfiltered path gives whose raw text holds a needle (or a NUL), plus the
 * head, with the same text, the same line numbers and the same notes, however
 * the bytes are cut into chunks.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectorySource } from '../../src/bundle/directory.js';
import { EvidenceText, ingestBundle } from '../../src/bundle/ingest.js';
import { DEFAULT_LINE_LIMITS, LineSplitter, type LineFilter, type LineLimits } from '../../src/bundle/lines.js';
import { journal } from '../../src/parsers/journal.js';
import { syslog } from '../../src/parsers/syslog.js';
import type { SourceParser } from '../../src/parsers/types.js';
import { RecordStore } from '../../src/timeline/store.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/syslog');
const SYSLOGS = readdirSync(FIXTURES)
  .sort()
  .map((f) => readFileSync(path.join(FIXTURES, f)));
const NEEDLES = [' kernel'];
const HEAD = 5;

interface Split {
  lines: [number, string][];
  notes: [number | undefined, string][];
}

function split(bytes: Uint8Array, chunk: number, filter?: LineFilter, limits: Partial<LineLimits> = {}): Split {
  const out: Split = { lines: [], notes: [] };
  const s = new LineSplitter(
    { ...DEFAULT_LINE_LIMITS, ...limits },
    (e) => {
      if (e.kind === 'line') out.lines.push([e.lineNo, e.text]);
      else out.notes.push([e.lineNo, e.message]);
    },
    filter,
  );
  for (let at = 0; at < bytes.length && !s.done; at += chunk) s.push(bytes.subarray(at, at + chunk));
  s.end();
  return out;
}

/**
 * What the filter must give: the lines the unfiltered path gives (in the same
 * chunking: the encoding is sniffed on the first chunk) whose whole raw line
 * holds a needle or a NUL, and the head; UTF-16 is not filtered.
 */
function expected(bytes: Uint8Array, chunk: number, needles: string[], head: number, limits: Partial<LineLimits> = {}): Split {
  const all = split(bytes, chunk, undefined, limits);
  if (all.notes.some(([, m]) => m.startsWith('decoded as'))) return all;
  const raw = new TextDecoder('utf-8').decode(bytes).split('\n');
  const keep = (n: number): boolean => n <= head || raw[n - 1]?.includes('\0') === true || needles.some((x) => raw[n - 1]?.includes(x));
  return { lines: all.lines.filter(([n]) => keep(n)), notes: all.notes };
}

/** A mix of the real syslog fixtures and of non-kernel lines between them, as in a real var/log/messages. */
function mixed(): Buffer {
  const lines: string[] = [];
  let i = 0;
  for (const file of SYSLOGS) {
    for (const l of file.toString('utf8').split('\n')) {
      lines.push(l);
      if (i++ % 3 === 0) lines.push(`Feb  4 15:40:${String(i % 60).padStart(2, '0')} host sshd[${1000 + i}]: Accepted publickey for deploy port ${i} ssh2`);
    }
  }
  return Buffer.from(lines.join('\n'));
}

const sshd = (i: number): string => `Feb  4 15:41:${String(i % 60).padStart(2, '0')} host sshd[${i}]: Accepted publickey for deploy`;

const CHUNKS = [1, 2, 3, 7, 64, 1000, 4096, 64 * 1024, 64 * 1024 + 1, 256 * 1024];

describe('LineSplitter line filter', () => {
  it('passes the matching lines of real syslog files, with their line numbers, in any chunking', () => {
    for (const bytes of [...SYSLOGS, mixed()]) {
      const want = expected(bytes, bytes.length, NEEDLES, HEAD);
      for (const chunk of CHUNKS) expect(split(bytes, chunk, { needles: NEEDLES, headLines: HEAD })).toEqual(want);
    }
  });

  it('gives every kernel line of a syslog to a parser that only reads kernel lines, and no other past the head', () => {
    const bytes = mixed();
    expect(expected(bytes, bytes.length, NEEDLES, HEAD).lines.length).toBeLessThan(split(bytes, bytes.length).lines.length * 0.8);
    const all = split(bytes, bytes.length).lines.filter(([, t]) => / kernel(?:[:[ ]|$)/.test(t));
    const got = split(bytes, 7, syslog.lineFilter).lines;
    expect(all.length).toBeGreaterThan(50);
    for (const line of all) expect(got).toContainEqual(line);
  });

  it('reads CRLF line ends, non-ASCII lines and a byte-order mark as the unfiltered path does', () => {
    const text = [
      'Feb  4 15:40:27 host kernel: caf\u00e9 \u20ac \u{1f600} first',
      'Feb  4 15:40:27 h\u00f4te sshd[1]: \u00e9t\u00e9 \u{1f600}',
      'Feb  4 15:40:28 h\u00f4te kernel: INFO: task \u00e9:1 blocked',
      'plain ascii',
    ];
    const variants = [
      Buffer.from(`${text.join('\r\n')}\r\n`),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.join('\n'))]),
      // Invalid UTF-8 on a kernel line and a character cut at the end of the file.
      Buffer.concat([
        Buffer.from(`${text.join('\n')}\nx kernel: `),
        Buffer.from([0xff, 0xfe, 0xe2, 0x82]),
        Buffer.from(' bad\n'),
        Buffer.from('\u20ac kernel').subarray(0, 2),
      ]),
    ];
    for (const bytes of variants) {
      const want = expected(bytes, bytes.length, NEEDLES, 1);
      expect(want.lines.some(([, t]) => t.includes('\u00e9'))).toBe(true);
      for (const chunk of [1, 2, 3, 5, 1000]) expect(split(bytes, chunk, { needles: NEEDLES, headLines: 1 })).toEqual(want);
    }
  });

  it('finds a needle split between two decode pieces of one read and between two reads', () => {
    // Reads are decoded in 64 KiB pieces: " kernel" straddles the first boundary, on a line begun in the piece before.
    const prefix = `${'x'.repeat(100)}\n`;
    const bytes = Buffer.from(`${prefix}${'y'.repeat(65533 - prefix.length - 2)}ab kernel: cut here\nnot this one\nnor this\n`);
    expect(bytes.indexOf(' kernel')).toBe(65533);
    const want = expected(bytes, bytes.length, NEEDLES, 0);
    expect(want.lines.map(([n]) => n)).toEqual([2]);
    expect(split(bytes, bytes.length, { needles: NEEDLES, headLines: 0 })).toEqual(want);
    for (let cut = 65528; cut < 65542; cut++) {
      const got: number[] = [];
      const s = new LineSplitter(DEFAULT_LINE_LIMITS, (e) => e.kind === 'line' && got.push(e.lineNo), { needles: NEEDLES, headLines: 0 });
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      s.end();
      expect(got).toEqual([2]);
    }
  });

  it('cuts a long matching line with the same note, and still notes long skipped lines', () => {
    const limits = { maxLineChars: 40 };
    const bytes = Buffer.from(
      [
        'head line',
        `Feb  4 15:40:27 host kernel: ${'k'.repeat(60)}`,
        `Feb  4 15:40:27 host sshd[1]: ${'s'.repeat(60)}`,
        `${'z'.repeat(60)} kernel: needle past the cut`,
        `${'\u00e9'.repeat(40)} kernel`,
        `${'w'.repeat(40)}\r`,
        'Feb  4 15:40:28 host kernel: short',
      ].join('\n'),
    );
    const want = expected(bytes, bytes.length, NEEDLES, 1, limits);
    // Line 6 is 40 characters and a CR: too long, as the unfiltered path counts it.
    expect(want.notes.map(([n]) => n)).toEqual([2, 3, 4, 5, 6]);
    expect(want.lines.map(([n]) => n)).toEqual([1, 2, 4, 5, 7]);
    expect(want.lines[2]?.[1]).toBe('z'.repeat(40));
    for (const chunk of [1, 3, 16, 1000]) expect(split(bytes, chunk, { needles: NEEDLES, headLines: 1 }, limits)).toEqual(want);
  });

  it('passes lines holding a NUL, whose removal could join a needle', () => {
    // Enough text around the NULs that the first chunk does not look binary.
    const padding = Array.from({ length: 20 }, (_, i) => sshd(i)).join('\n');
    const bytes = Buffer.from(
      `head\nFeb  4 15:40:27 host ker\0nel: joined\nFeb  4 15:40:27 host sshd: no\n\0\0\0Feb  4 15:40:27 host kernel: after NULs\n${padding}\n`,
    );
    const want = expected(bytes, bytes.length, NEEDLES, 1);
    expect(want.lines).toEqual([
      [1, 'head'],
      [2, 'Feb  4 15:40:27 host kernel: joined'],
      [4, 'Feb  4 15:40:27 host kernel: after NULs'],
    ]);
    for (const chunk of [1, 7, 1000]) expect(split(bytes, chunk, { needles: NEEDLES, headLines: 1 })).toEqual(want);
  });

  it('reads a UTF-16 file whole, unfiltered', () => {
    const text = 'Feb  4 15:40:27 host sshd[1]: a\nFeb  4 15:40:27 host kernel: b\nFeb  4 15:40:27 host sshd[1]: c\n';
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), Buffer.from(text, 'utf16le')]) {
      const all = split(bytes, bytes.length);
      expect(all.lines).toHaveLength(3);
      expect(all.notes[0]?.[1]).toBe('decoded as utf-16le');
      expect(split(bytes, bytes.length, { needles: NEEDLES, headLines: 0 })).toEqual(all);
      // Cut small, a file without a BOM is not recognised as UTF-16 any more: still the same lines either way.
      for (const chunk of [1, 3, 64]) expect(split(bytes, chunk, { needles: NEEDLES, headLines: 0 })).toEqual(split(bytes, chunk));
    }
  });

  it('stops at the file cap with the same note and the same last line', () => {
    const bytes = mixed();
    for (const maxFileBytes of [1, 100, 3001, bytes.length - 1]) {
      const want = expected(bytes.subarray(0, maxFileBytes), maxFileBytes, NEEDLES, HEAD);
      want.notes = split(bytes, bytes.length, undefined, { maxFileBytes }).notes;
      expect(want.notes.at(-1)?.[1]).toMatch(/^file larger than the .* cap/);
      for (const chunk of [1, 64, 1000, bytes.length]) expect(split(bytes, chunk, { needles: NEEDLES, headLines: HEAD }, { maxFileBytes })).toEqual(want);
    }
  });

  it('passes every line when ready() refuses after the head, asking once', () => {
    const bytes = mixed();
    const all = split(bytes, bytes.length);
    // Cut so that the first line after the head ends inside a chunk, or on a chunk of its own.
    for (const chunk of [1, 7, 100, 1000, bytes.length]) {
      let asked = 0;
      const lines: [number, string][] = [];
      const s = new LineSplitter(
        DEFAULT_LINE_LIMITS,
        (e) => {
          if (e.kind === 'line') lines.push([e.lineNo, e.text]);
        },
        {
          needles: NEEDLES,
          headLines: 3,
          ready: () => {
            asked++;
            expect(lines).toHaveLength(3);
            return false;
          },
        },
      );
      for (let at = 0; at < bytes.length; at += chunk) s.push(bytes.subarray(at, at + chunk));
      s.end();
      expect(asked).toBe(1);
      expect(lines).toEqual(all.lines);
    }
  });

  it('ignores a filter whose needles could not be found in the bytes', () => {
    const bytes = mixed();
    const all = split(bytes, 1000);
    for (const needles of [[], [''], ['a\nb'], ['caf\u00e9']]) expect(split(bytes, 1000, { needles, headLines: 0 })).toEqual(all);
  });

  it('matches the unfiltered path on random text and random chunking', () => {
    const piece = fc.constantFrom('a', ' ', 'kernel', ' kernel', ' kern', 'el:', '\n', '\r\n', '\u00e9', '\u{1f600}', '\0', 'x'.repeat(30));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 4 }),
        (parts, chunk, maxLineChars, head) => {
          const bytes = Buffer.from(parts.join(''));
          const limits = { maxLineChars };
          expect(split(bytes, chunk, { needles: NEEDLES, headLines: head }, limits)).toEqual(expected(bytes, chunk, NEEDLES, head, limits));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('ingest with line filters', () => {
  const made: string[] = [];
  afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));
  async function bundle(files: Record<string, string | Buffer>): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'sosmortem-filter-'));
    made.push(dir);
    for (const [rel, body] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), body);
    }
    return dir;
  }

  async function run(dir: string, filtered: boolean): Promise<{ store: RecordStore; evidence: EvidenceText }> {
    const parsers: SourceParser[] = [syslog, journal];
    const saved = parsers.map((p) => p.lineFilter);
    if (!filtered) for (const p of parsers) delete p.lineFilter;
    try {
      const source = new DirectorySource(dir);
      const store = new RecordStore();
      const evidence = new EvidenceText(source, new Map());
      await ingestBundle(source, store, evidence);
      return { store, evidence };
    } finally {
      parsers.forEach((p, i) => {
        const f = saved[i];
        if (f) p.lineFilter = f;
      });
    }
  }

  it('gives the same records, formats and diagnostics with and without the filter', async () => {
    const messages = mixed();
    const noStampHead = `${Array.from({ length: 30 }, (_, i) => `garbage ${i}`).join('\n')}\n${messages.toString('utf8')}`;
    const journalText = [
      '-- Logs begin at Mon 2022-01-31 10:00:01 UTC, end at Fri 2022-02-04 00:10:00 UTC. --',
      ...Array.from({ length: 30 }, (_, i) => sshd(i)),
      '-- Boot 3f2a4b9c1d8e4f6a8b7c6d5e4f3a2b1c --',
      messages.toString('utf8'),
    ].join('\n');
    const dir = await bundle({
      'var/log/messages': messages,
      'var/log/messages-20220201': noStampHead,
      'var/log/syslog': Array.from({ length: 40 }, (_, i) => `no stamp here ${i}`).join('\n'),
      // No stamp in the head, and no kernel line: filtered blindly, it would look stamp-less.
      'var/log/syslog.1': [...Array.from({ length: 30 }, (_, i) => `no stamp here ${i}`), ...Array.from({ length: 30 }, (_, i) => sshd(i))].join('\n'),
      'var/log/kern.log': Buffer.from(`${messages.toString('utf8').split('\n').join('\r\n')}\r\n`),
      'sos_commands/logs/journalctl_--no-pager': journalText,
    });
    const a = await run(dir, false);
    const b = await run(dir, true);
    expect(b.store.events.length).toBeGreaterThan(0);
    expect(b.store.files.map((f) => f.formats)).toContainEqual(['syslog, RFC 3164 stamps (no year)']);
    expect(b.store.diagnostics).toContainEqual(
      expect.objectContaining({ source: 'var/log/syslog', message: 'no line has a syslog time stamp; nothing was read' }),
    );
    expect(b.store.files).toEqual(a.store.files);
    expect(b.store.events).toEqual(a.store.events);
    expect(b.store.diagnostics).toEqual(a.store.diagnostics);
  });

  it('quotes evidence lines of a filtered file exactly, reading it again for a line it did not keep', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? `Feb  4 15:40:${String(i).padStart(2, '0')} host kernel: line ${i} caf\u00e9` : sshd(i)));
    const dir = await bundle({ 'var/log/messages': `${lines.join('\r\n')}\r\n` });
    const { evidence } = await run(dir, true);
    const want = new Map([
      [32, lines[31] ?? ''],
      [33, lines[32] ?? ''],
      [2, lines[1] ?? ''],
    ]);
    const kernelOnly = await evidence.lines(new Map([['var/log/messages', new Set([33])]]));
    expect(kernelOnly.get('var/log/messages')).toEqual(new Map([[33, want.get(33)]]));
    const withSkipped = await evidence.lines(new Map([['var/log/messages', new Set([2, 32, 33])]]));
    expect(withSkipped.get('var/log/messages')).toEqual(want);
  });
});
