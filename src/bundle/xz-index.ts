/**
 * How many blocks an .xz file holds, from its stream footer and index (the
 * .xz file format, sections 2.1.2.4 Stream Footer and 4 Index:
 * https://tukaani.org/xz/xz-file-format.txt). Threaded xz writes independent
 * blocks, which xz ≥ 5.4 decodes in parallel and holds in its own memory
 * while its reader is busy; a one-block file is decoded strictly in turn
 * with its reader. Pure: bytes in, a count or null out.
 */

const FOOTER_BYTES = 12;
const HEADER_BYTES = 12;

/**
 * Where the last stream's index starts, from the file's last bytes (`tail`,
 * ending at the end of the file of `fileSize` bytes): stream padding (zero
 * bytes, a multiple of four) is skipped. Null when the footer does not parse.
 */
export function xzIndexOffset(tail: Uint8Array, fileSize: number): number | null {
  let end = tail.length;
  while (end >= 4 && tail[end - 1] === 0 && tail[end - 2] === 0 && tail[end - 3] === 0 && tail[end - 4] === 0) end -= 4;
  if (end < FOOTER_BYTES) return null;
  const f = end - FOOTER_BYTES;
  // Footer: CRC32 (4), Backward Size (4, little-endian), Stream Flags (2: 0x00, check type), magic "YZ".
  if (tail[f + 10] !== 0x59 || tail[f + 11] !== 0x5a || tail[f + 8] !== 0x00) return null;
  const backward = ((tail[f + 4] ?? 0) | ((tail[f + 5] ?? 0) << 8) | ((tail[f + 6] ?? 0) << 16)) + (tail[f + 7] ?? 0) * 2 ** 24;
  const indexSize = (backward + 1) * 4;
  const footerAt = fileSize - (tail.length - f);
  const at = footerAt - indexSize;
  return at >= 0 ? at : null;
}

/** The number of records (blocks) from the first bytes of an index: indicator 0x00, then a variable-length integer. Null when it does not parse. */
export function xzIndexRecords(indexHead: Uint8Array): number | null {
  if (indexHead[0] !== 0x00) return null;
  let n = 0;
  for (let i = 0; i < 9; i++) {
    const b = indexHead[1 + i];
    if (b === undefined) return null;
    n += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return i > 0 && b === 0 ? null : n;
  }
  return null;
}

/** What an .xz file's index says of its last stream. */
export interface XzStreamTotals {
  blocks: number;
  /** bytes the stream decodes to, by its index */
  uncompressedBytes: number;
  /** whether that stream is the whole file (stream padding aside): false for concatenated streams */
  wholeFile: boolean;
}

/**
 * The decoded size of the last stream and whether it is the file's only one,
 * from its whole index (`index`, found at offset `indexAt` of the file).
 * A stream is 12 header bytes, its blocks (each padded to four bytes), the
 * index and a 12-byte footer: when header and blocks end exactly where the
 * index starts, nothing precedes the stream. The index is not checked against its CRC: xz
 * verifies it while decoding, and a caller that relies on the size also
 * watches the bytes actually decoded. Null when it does not parse.
 */
export function xzStreamTotals(index: Uint8Array, indexAt: number): XzStreamTotals | null {
  if (index[0] !== 0x00) return null;
  let at = 1;
  const varint = (): number | null => {
    let n = 0;
    for (let i = 0; i < 9; i++) {
      const b = index[at++];
      if (b === undefined) return null;
      n += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return i > 0 && b === 0 ? null : n;
    }
    return null;
  };
  const blocks = varint();
  if (blocks === null) return null;
  let blockBytes = 0;
  let uncompressedBytes = 0;
  for (let i = 0; i < blocks; i++) {
    const unpadded = varint();
    const uncompressed = varint();
    if (unpadded === null || uncompressed === null) return null;
    blockBytes += Math.ceil(unpadded / 4) * 4;
    uncompressedBytes += uncompressed;
  }
  if (!Number.isSafeInteger(uncompressedBytes)) return null;
  return { blocks, uncompressedBytes, wholeFile: HEADER_BYTES + blockBytes === indexAt };
}
