/**
 * The moment a kdump dump directory is named for, as the local wall clock (as-UTC), or null.
 *
 * Two namings are in use, both written by the capture kernel's `date` as it starts saving, seconds
 * to a minute after the panic:
 * - kexec-tools (RHEL, Fedora, SUSE): `<host or IP>-<date +%Y-%m-%d-%T>`, e.g. 127.0.0.1-2026-02-13-03:48:00
 *   (dracut module 99kdumpbase, kdump-lib-initramfs.sh: `$HOST_IP-$DATEDIR`);
 * - kdump-tools (Debian, Ubuntu): `<date +%Y%m%d%H%M>`, prefixed `<host>-` for a network dump
 *   (kdump-config, define_stampdir).
 */
export function crashDirTime(dir: string): number | null {
  const long = /(\d{4})-(\d{2})-(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(dir);
  if (long) return wallClock(long.slice(1).map(Number));
  const short = /(?:^|-)(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(dir);
  if (short) return wallClock([...short.slice(1).map(Number), 0]);
  return null;
}

/** Which tool's naming a dump directory follows, for the advice that names its files. */
export function crashDirLayout(dir: string): 'kexec-tools' | 'kdump-tools' | null {
  if (/\d{4}-\d{2}-\d{2}-\d{2}:\d{2}:\d{2}$/.test(dir)) return 'kexec-tools';
  if (/(?:^|-)\d{12}$/.test(dir)) return 'kdump-tools';
  return null;
}

function wallClock(parts: number[]): number | null {
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
