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
 * hold; such a guest is named here as its cgroup names it.
 */
export function libvirtGuestOfCgroup(path: string): string | undefined {
  const scope = path.indexOf('/machine-qemu\\x2d');
  if (scope >= 0) {
    const from = scope + '/machine-qemu\\x2d'.length;
    const end = path.indexOf('.scope', from);
    if (end < 0) return undefined;
    let name = path.slice(from, end);
    const id = /^\d+\\x2d/.exec(name);
    if (id) name = name.slice(id[0].length);
    name = name.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return name === '' ? undefined : name;
  }
  const plain = /\/machine\/(?:qemu-\d+-)?([^/]+)\.libvirt-qemu(?:\/|$)/.exec(path);
  return plain?.[1] === '' ? undefined : plain?.[1];
}
