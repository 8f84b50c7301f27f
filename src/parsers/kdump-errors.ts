/**
 * Why kdump failed to save a dump, from the capture environment's own words (kexec-tools' kexec-dmesg.log,
 * kdump-tools' lines in the journal): the first that matches a line names it.
 */
export const KDUMP_FAILURE_REASONS: readonly { kind: string; test: RegExp }[] = [
  // the capture kernel's OOM killer, most often killing makedumpfile: crashkernel= reserves too little
  { kind: 'capture-oom', test: /Out of memory|invoked oom-killer|oom-kill:|Memory cgroup out of memory/ },
  // a driver that could not start its device for want of memory (-12, ENOMEM): the disk or network card the dump
  // goes to is then missing, and the mount or the connection that fails after it is its effect (a real Debian 12
  // capture kernel at crashkernel=120M and 128M: "ahci: probe of 0000:00:1f.2 failed with error -12")
  { kind: 'capture-nomem', test: /(?:: probe of \S+|: probe with driver \S+) failed with error -12\b/ },
  // "cat: write error: No space left on device", "cp: error writing '…/vmcore-incomplete': No space left on device"
  { kind: 'no-space', test: /No space left on device/ },
  {
    kind: 'target-unreachable',
    test: /Network not reachable|Unable to reach remote|Unable to mount remote NFS|ssh: connect to host|No route to host|Connection timed out|Connection refused|Host key verification failed/,
  },
  { kind: 'target-unmounted', test: /not a mount point|Failed to mount|mount: .*(?:failed|wrong fs type|can't find|does not exist)/ },
  { kind: 'vmcore-unreadable', test: /Cannot open \/proc\/vmcore|Can't open the dump memory|error reading '\/proc\/vmcore'/ },
  { kind: 'makedumpfile', test: /makedumpfile Failed|makedumpfile failed|Bus error|Segmentation fault/ },
];

/** The kind of failure a line names, or null. */
export function kdumpFailureOf(line: string): string | null {
  for (const r of KDUMP_FAILURE_REASONS) if (r.test.test(line)) return r.kind;
  return null;
}

/**
 * makedumpfile's warning for a kernel newer than the release knows (it checks the kernel's version
 * against the newest it supports): it writes the dump all the same, and adds "The makedumpfile operation
 * may be incomplete." Seen on every save of a real Debian 12 guest (makedumpfile 1.7.2, kernel 6.1.176).
 */
export const UNSUPPORTED_KERNEL = 'The kernel version is not supported.';
