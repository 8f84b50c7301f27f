/**
 * The libvirt guest whose cgroup a path is, or undefined. libvirt puts each
 * QEMU guest (its emulator and vCPU threads, and helpers such as swtpm) in a
 * cgroup of its own, named after the domain (libvirt.org/cgroups.html):
 *
 * - with systemd: `/machine.slice/machine-qemu\x2d4\x2dweb01.scope`, the name
 *   escaped as a systemd unit (`\x2d` is `-`); libvirt before 3.x left out the
 *   id (`machine-qemu\x2dweb01.scope`);
 * - without: `/machine/qemu-4-web01.libvirt-qemu` (a real capture, libvirt 9.0
 *   on cgroup v1), before libvirt 3.x `/machine/web01.libvirt-qemu`;
 *
 * each possibly followed by `/emulator`, `/vcpuN` or `/libvirt/…`. A kernel OOM
 * report names it (task_memcg, oom_memcg, or "Task in … killed"), so a QEMU
 * killed for memory can be tied to the guest that went down with it. libvirt
 * shortens the names of long domains and drops characters a unit name cannot
 * hold (libvirtMachineNamePart); such a guest is named here as its cgroup names
 * it, and the timeline puts the domain's own name back (resolveGuestName) when
 * the bundle holds it.
 */
export function libvirtGuestOfCgroup(path: string): string | undefined {
  return libvirtMachineOfCgroup(path)?.guest;
}

/** The guest, and how long libvirt's machine name was: at its cap, the name may have been cut. */
export function libvirtMachineOfCgroup(path: string): { guest: string; machineNameLength: number } | undefined {
  const scope = path.indexOf('/machine-qemu\\x2d');
  if (scope >= 0) {
    const from = scope + '/machine-qemu\\x2d'.length;
    const end = path.indexOf('.scope', from);
    if (end < 0) return undefined;
    const unescape = (s: string): string => s.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const machine = `qemu-${unescape(path.slice(from, end))}`;
    const id = /^qemu-\d+-/.exec(machine);
    const guest = id ? machine.slice(id[0].length) : machine.slice('qemu-'.length);
    return guest === '' ? undefined : { guest, machineNameLength: machine.length };
  }
  const plain = /\/machine\/((?:qemu-\d+-)?([^/]+))\.libvirt-qemu(?:\/|$)/.exec(path);
  if (!plain?.[2]) return undefined;
  return { guest: plain[2], machineNameLength: (plain[1] as string).length };
}

/** libvirt's cap on a machine name (virDomainDriverGenerateMachineName: it stops appending at 64 characters). */
export const LIBVIRT_MACHINE_NAME_MAX = 64;

/**
 * The OOM event attributes for a cgroup: `guest`, and `guestNameCut` when the
 * machine name was at its cap (a '-' or '.' libvirt trims after cutting leaves
 * it one shorter), so that the guest's name may be only the start of its domain's.
 */
export function guestAttrsOfCgroup(path: string): { guest?: string; guestNameCut?: true } {
  const m = libvirtMachineOfCgroup(path);
  if (!m) return {};
  return m.machineNameLength >= LIBVIRT_MACHINE_NAME_MAX - 1 ? { guest: m.guest, guestNameCut: true } : { guest: m.guest };
}

/**
 * What of a domain's name libvirt puts in its machine name, as
 * virDomainMachineNameAppendValid (src/hypervisor/domain_driver.c) does: only
 * letters, digits and '-'/'.', a run of '-'/'.' kept as its first, none at
 * the start or end (the cut at 64 characters is resolveGuestName's business).
 */
export function libvirtMachineNamePart(domain: string): string {
  let out = '';
  let skip = true;
  for (const ch of domain) {
    if (ch === '.' || ch === '-') {
      if (!skip) {
        out += ch;
        skip = true;
      }
      continue;
    }
    if (!/^[A-Za-z0-9]$/.test(ch)) continue;
    out += ch;
    skip = false;
  }
  return out.replace(/[-.]+$/, '');
}

/**
 * The domain a guest named by its cgroup is, among the domains the bundle names
 * (domain XML, QEMU logs): the one whose machine name gives the same name, or,
 * when the machine name was at its cap, begins with it. Undefined when none or
 * several do, or the name is already a domain's.
 */
export function resolveGuestName(guest: string, cut: boolean, domains: ReadonlySet<string>): string | undefined {
  if (domains.has(guest)) return undefined;
  const found: string[] = [];
  for (const domain of domains) {
    const part = libvirtMachineNamePart(domain);
    if (part === guest || (cut && part.startsWith(guest))) found.push(domain);
  }
  return found.length === 1 ? found[0] : undefined;
}
