/**
 * Loose attachments (vmstat -t, iostat -x, pmap -x in a loop) carry their time
 * in the file name when the customer followed our instructions:
 * pmap-x-1234-20261123T104913.txt, ps-2026-11-23_10:49:13.txt, vmstat.20261123-104913.
 * Returns the wall-clock time encoded as if UTC, or undefined.
 */
export function timeFromName(name: string): number | undefined {
  const base = name.split('/').pop() ?? name;
  const m =
    /(20\d{2}|19\d{2})-?(\d{2})-?(\d{2})[T_-]?(\d{2})[:.-]?(\d{2})[:.-]?(\d{2})/.exec(base);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && s < 61) return Date.UTC(y, mo - 1, d, h, mi, s);
  }
  return undefined;
}

