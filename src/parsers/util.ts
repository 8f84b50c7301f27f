/** Small helpers shared by parsers. Pure; no I/O. */

/** Splits on runs of whitespace without a regex per call site. */
export function fields(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const space = c === 32 || c === 9;
    if (space) {
      if (start >= 0) {
        out.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) out.push(line.slice(start));
  return out;
}

/** Parses a number written in C or a comma-decimal locale ("12,5"); NaN when it is not one. */
export function num(text: string | undefined): number {
  if (text === undefined || text === '') return NaN;
  const n = Number(text.includes(',') && !text.includes('.') ? text.replace(',', '.') : text);
  return n;
}
