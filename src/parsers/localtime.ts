// /etc/localtime, which sos's date plugin copies (sos/report/plugins/date.py, add_copy_spec):
// - a symbolic link into the tz database (../usr/share/zoneinfo/Europe/Berlin), kept as a link in
//   the archive with the file it names beside it: the link's target names the zone;
// - a regular file (RHEL 5 and 6, and hosts whose tools copy the file): a TZif file, RFC 8536
//   (https://www.rfc-editor.org/rfc/rfc8536), whose transitions and footer rule are the zone itself.
// Either way it is the host's zone when no timedatectl output says it (containers, hosts without
// systemd, old releases): `date` alone gives one offset, wrong across a change to or from DST.
// The zone file a link names, when sos copied it (usr/share/zoneinfo/…), gives the host's own rules
// for that name: its logs were written with them, whatever tz data this tool has.
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** The zone's name from a link into a zoneinfo tree; posix/ and right/ are copies of the same zones. */
export function zoneNameOfLink(target: string): string | null {
  const m = /(?:^|\/)zoneinfo\/(?:posix\/|right\/)?([A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*)$/.exec(target.trim());
  return m?.[1] ?? null;
}

/** What a TZif file says, in seconds: the zone's transitions, the offset after each, and the rule after the last. */
export interface TzifRules {
  version: number;
  /** UTC seconds of each transition, ascending */
  transitions: number[];
  /** offset east of UTC, in seconds, from each transition on */
  offsets: number[];
  /** offset before the first transition (time type 0) */
  initial: number;
  /** the footer's POSIX TZ string (version 2 and later); null when absent or empty */
  footer: string | null;
  /** the designations the file uses (CET, CEST), for a label when there is no footer */
  abbreviations: string[];
}

const HEADER = 44;
/** A real TZif file is under 4 KiB; a transition table of this size is no zone. */
const MAX_TRANSITIONS = 20_000;

/** Decodes a TZif file (versions 1 to 4), or says why it is not one. */
export function decodeTzif(bytes: Uint8Array): TzifRules | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (at: number): { version: number; isut: number; isstd: number; leap: number; time: number; type: number; chars: number } | string => {
    if (bytes.length < at + HEADER) return `cut short: ${bytes.length} bytes, a TZif header needs ${at + HEADER}`;
    if (bytes[at] !== 0x54 || bytes[at + 1] !== 0x5a || bytes[at + 2] !== 0x69 || bytes[at + 3] !== 0x66) return 'no TZif magic';
    const v = bytes[at + 4] ?? 0;
    const version = v === 0 ? 1 : v - 0x30;
    if (version < 1 || version > 9) return `unknown TZif version byte 0x${v.toString(16)}`;
    const u32 = (o: number): number => view.getUint32(at + 20 + o * 4);
    return { version, isut: u32(0), isstd: u32(1), leap: u32(2), time: u32(3), type: u32(4), chars: u32(5) };
  };
  const first = header(0);
  if (typeof first === 'string') return first;
  const blockSize = (h: Exclude<typeof first, string>, timeSize: number): number =>
    h.time * timeSize + h.time + h.type * 6 + h.chars + h.leap * (timeSize + 4) + h.isstd + h.isut;
  let h = first;
  let at = HEADER;
  let timeSize = 4;
  if (first.version >= 2) {
    // The 64-bit block after the 32-bit one is the whole zone; the first is for old readers only.
    at += blockSize(first, 4);
    const second = header(at);
    if (typeof second === 'string') return `version ${first.version} file without its 64-bit block (${second})`;
    h = second;
    at += HEADER;
    timeSize = 8;
  }
  if (h.type < 1 || h.type > 256 || h.chars < 1 || h.time > MAX_TRANSITIONS)
    return `implausible counts (${h.time} transitions, ${h.type} types, ${h.chars} designation bytes)`;
  if (h.isut !== 0 && h.isut !== h.type) return 'UT indicator count differs from the type count';
  if (h.isstd !== 0 && h.isstd !== h.type) return 'standard/wall indicator count differs from the type count';
  const end = at + blockSize(h, timeSize);
  if (end > bytes.length) return `cut short: the data block needs ${end} bytes, the file has ${bytes.length}`;

  const transitions: number[] = [];
  for (let i = 0; i < h.time; i++) {
    const t = timeSize === 8 ? Number(view.getBigInt64(at + i * 8)) : view.getInt32(at + i * 4);
    if (i > 0 && t <= (transitions[i - 1] ?? -Infinity)) return `transition ${i + 1} is not after the one before it`;
    transitions.push(t);
  }
  const idxAt = at + h.time * timeSize;
  const typesAt = idxAt + h.time;
  const charsAt = typesAt + h.type * 6;
  const types: { utoff: number; abbr: string }[] = [];
  for (let i = 0; i < h.type; i++) {
    const o = typesAt + i * 6;
    const utoff = view.getInt32(o);
    const desig = bytes[o + 5] ?? 0;
    if (utoff < -89_999 || utoff > 93_599) return `time type ${i} has an offset of ${utoff} s, out of RFC 8536's range`;
    if (desig >= h.chars) return `time type ${i} names a designation past the table`;
    let stop = charsAt + desig;
    while (stop < charsAt + h.chars && bytes[stop] !== 0) stop++;
    types.push({ utoff, abbr: Buffer.from(bytes.subarray(charsAt + desig, stop)).toString('latin1') });
  }
  const offsets: number[] = [];
  for (let i = 0; i < h.time; i++) {
    const type = types[bytes[idxAt + i] ?? 0];
    if (!type) return `transition ${i + 1} names time type ${bytes[idxAt + i] ?? 0} of ${h.type}`;
    offsets.push(type.utoff);
  }
  let footer: string | null = null;
  if (first.version >= 2) {
    // "\n" POSIX-TZ-string "\n" (RFC 8536 §3.3)
    if (bytes[end] !== 0x0a) return 'version 2+ file without its footer';
    const close = bytes.indexOf(0x0a, end + 1);
    if (close < 0) return 'footer not closed by a newline';
    const text = Buffer.from(bytes.subarray(end + 1, close)).toString('latin1');
    if (!/^[\x20-\x7e]*$/.test(text)) return 'footer holds bytes that are not printable ASCII';
    footer = text === '' ? null : text;
  }
  const abbreviations = [...new Set(types.map((t) => t.abbr).filter((a) => a !== '' && a !== 'LMT'))];
  return { version: first.version, transitions, offsets, initial: types[0]?.utoff ?? 0, footer, abbreviations };
}

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  return {
    push() {
      // read through `bytes` or `linkTarget`, never as lines
    },
    end() {
      if (ctx.linkTarget === undefined) return;
      const name = zoneNameOfLink(ctx.linkTarget);
      if (name === null) {
        sink.diagnostic(undefined, 'info', `a link to ${ctx.linkTarget.slice(0, 200)}, which names no zone of a zoneinfo tree`);
        return;
      }
      sink.format('symbolic link into zoneinfo');
      sink.fact('time.zoneLink', name, 0);
    },
  };
}

function parseBytes(bytes: Uint8Array, ctx: ParseContext, sink: RecordSink): void {
  const rules = decodeTzif(bytes);
  if (typeof rules === 'string') {
    sink.diagnostic(undefined, 'warning', `not a time zone file that can be read: ${rules}`);
    return;
  }
  sink.format(`TZif version ${rules.version}, ${rules.transitions.length} transitions${rules.footer ? `, rule ${rules.footer}` : ''}`);
  // A zone file of the tree is the one etc/localtime links to (sos copies a link's target beside
  // it): the host's own rules for the zone the link names, not a zone by itself.
  const zoneName = ctx.path.startsWith(ZONEINFO_DIR) ? zoneNameOfLink(ctx.path) : null;
  if (zoneName !== null) sink.fact('time.zoneFile', JSON.stringify({ ...rules, name: zoneName }), 0);
  else sink.fact('time.zoneRules', JSON.stringify(rules), 0);
}

const ZONEINFO_DIR = 'usr/share/zoneinfo/';

export const localtimeParser: SourceParser = {
  id: 'localtime',
  title: '/etc/localtime (link or TZif), and the zone file it links to',
  paths: [/^etc\/localtime$/, /^usr\/share\/zoneinfo\/[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/],
  sniff(head) {
    return head.startsWith('TZif');
  },
  create,
  readsLinks: true,
  bytes: { maxBytes: 256 * 1024, parse: parseBytes },
};
