/**
 * Turns a stream of byte chunks into numbered text lines without holding the
 * file: the decoder keeps partial characters between chunks, lines longer
 * than the cap are cut (with a note), binary content is detected on the first
 * chunk and UTF-16 is honoured when a byte-order mark says so.
 */
import { Buffer, isAscii } from 'node:buffer';

export interface LineLimits {
  /** characters kept of one line; the rest is dropped and reported */
  maxLineChars: number;
  /** bytes read of one file; the rest is skipped and reported */
  maxFileBytes: number;
  /** NUL bytes are part of the format (proc/PID/cmdline): no binary check, NULs kept */
  keepNul?: boolean;
}

export const DEFAULT_LINE_LIMITS: LineLimits = {
  maxLineChars: 64 * 1024,
  maxFileBytes: 2 * 1024 * 1024 * 1024,
};

const PIECE_BYTES = 64 * 1024;

export type LineEvent =
  | { kind: 'line'; text: string; lineNo: number }
  | { kind: 'note'; lineNo?: number; severity: 'warning' | 'info' | 'error'; message: string };

export class LineSplitter {
  private encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | null = null;
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  /**
   * The decoder may hold the first bytes of a character split across chunks.
   * It cannot once it has consumed an ASCII byte last (an ASCII byte ends any
   * pending sequence), so only the tail byte of a decoded chunk is checked.
   */
  private decoderMayHoldBytes = false;
  /** a NUL has been seen: from then on each line is checked for NULs */
  private sawNul = false;
  private pending = '';
  private pendingTooLong = false;
  private lineNo = 0;
  private bytes = 0;
  private stopped = false;
  binary = false;
  truncatedLines = 0;

  constructor(
    private readonly limits: LineLimits,
    private readonly emit: (e: LineEvent) => void,
  ) {}

  get done(): boolean {
    return this.stopped;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length <= PIECE_BYTES) {
      this.pushPiece(chunk);
      return;
    }
    // Strings over ~128 KiB go to V8's large-object space, whose allocation
    // costs more than the decoding itself: stream reads of 256 KiB are cut.
    for (let at = 0; at < chunk.length && !this.stopped; at += PIECE_BYTES) this.pushPiece(chunk.subarray(at, at + PIECE_BYTES));
  }

  private pushPiece(chunk: Uint8Array): void {
    if (this.stopped) return;
    if (this.encoding === null) {
      const enc = this.limits.keepNul ? 'utf-8' : sniffEncoding(chunk);
      if (enc === 'binary') {
        this.binary = true;
        this.stopped = true;
        this.emit({ kind: 'note', severity: 'warning', message: 'binary content (NUL bytes) where text was expected; not parsed' });
        return;
      }
      this.encoding = enc;
      if (enc !== 'utf-8') this.emit({ kind: 'note', severity: 'info', message: `decoded as ${enc}` });
    }
    let slice = chunk;
    if (this.bytes + chunk.length > this.limits.maxFileBytes) {
      slice = chunk.subarray(0, Math.max(0, this.limits.maxFileBytes - this.bytes));
      this.stopped = true;
    }
    this.consume(this.decode(slice, this.encoding));
    this.bytes += slice.length;
    if (this.stopped) {
      this.flushPending();
      this.emit({
        kind: 'note',
        severity: 'warning',
        message: `file larger than the ${formatBytes(this.limits.maxFileBytes)} cap: only the first ${formatBytes(this.limits.maxFileBytes)} were read`,
      });
    }
  }

  /**
   * ASCII chunks (nearly all of a sosreport) become a string by a plain byte
   * copy, several times faster than TextDecoder; the decoder is used, and kept
   * across chunks, for anything else and while it may hold a split character.
   */
  private decode(slice: Uint8Array, enc: 'utf-8' | 'utf-16le' | 'utf-16be'): string {
    if (enc === 'utf-8' && !this.decoderMayHoldBytes && isAscii(slice)) {
      return Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength).toString('latin1');
    }
    // A byte-order mark is dropped only at the very start of the file, as a decoder created there would.
    this.decoder ??= new TextDecoder(enc, { fatal: false, ignoreBOM: this.bytes > 0 });
    const text = this.decoder.decode(slice, { stream: !this.stopped });
    this.decoderMayHoldBytes = enc !== 'utf-8' || (slice.length > 0 ? (slice[slice.length - 1] ?? 0) >= 0x80 : this.decoderMayHoldBytes);
    return text;
  }

  end(): void {
    if (this.stopped) return;
    if (this.decoder && this.decoderMayHoldBytes) this.consume(this.decoder.decode());
    this.flushPending();
    this.stopped = true;
  }

  private consume(text: string): void {
    if (!this.sawNul && !this.limits.keepNul && text.includes('\0')) this.sawNul = true;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.appendPending(text, start, nl);
      this.flushLine();
      start = nl + 1;
    }
    if (start < text.length) this.appendPending(text, start, text.length);
  }

  private appendPending(text: string, from: number, to: number): void {
    if (this.pendingTooLong) return;
    const room = this.limits.maxLineChars - this.pending.length;
    if (to - from > room) {
      this.pending += text.slice(from, from + Math.max(0, room));
      this.pendingTooLong = true;
    } else {
      this.pending += text.slice(from, to);
    }
  }

  private flushLine(): void {
    this.lineNo++;
    let line = this.pending;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.pendingTooLong) {
      this.truncatedLines++;
      this.emit({ kind: 'note', lineNo: this.lineNo, severity: 'warning', message: `line longer than ${this.limits.maxLineChars} characters: cut` });
    }
    if (this.sawNul && !this.limits.keepNul && line.includes('\0')) line = line.replaceAll('\0', '');
    this.emit({ kind: 'line', text: line, lineNo: this.lineNo });
    this.pending = '';
    this.pendingTooLong = false;
  }

  private flushPending(): void {
    if (this.pending.length > 0 || this.pendingTooLong) this.flushLine();
  }
}

function sniffEncoding(chunk: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' | 'binary' {
  if (chunk.length >= 2) {
    if (chunk[0] === 0xff && chunk[1] === 0xfe) return 'utf-16le';
    if (chunk[0] === 0xfe && chunk[1] === 0xff) return 'utf-16be';
  }
  const n = Math.min(chunk.length, 8192);
  let nul = 0;
  for (let i = 0; i < n; i++) if (chunk[i] === 0) nul++;
  // UTF-16 text without a BOM: every other byte NUL. Plain binary: NULs anywhere.
  if (nul > 0) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i++) {
      if (chunk[i] !== 0) continue;
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
    if (oddNul > n * 0.4 && evenNul < n * 0.05) return 'utf-16le';
    if (evenNul > n * 0.4 && oddNul < n * 0.05) return 'utf-16be';
    // A few stray NULs in a log (a crash mid-write) are not binary.
    if (nul > 8 || nul > n * 0.01) return 'binary';
  }
  return 'utf-8';
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
