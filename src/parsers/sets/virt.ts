import type { SourceParser } from '../types.js';
import { libvirtQemuLog } from '../libvirt-qemu-log.js';
import { libvirtdLog } from '../libvirtd-log.js';
import { domainXml } from '../domain-xml.js';
import { numastat } from '../numastat.js';
import { numactl } from '../numactl.js';
import { procPid } from '../proc-pid.js';
import { pidstat } from '../pidstat.js';
import { virsh } from '../virsh.js';

/** Virtualisation, NUMA and per-process sources. */
export const VIRT_PARSERS: readonly SourceParser[] = [libvirtQemuLog, libvirtdLog, domainXml, numastat, numactl, procPid, pidstat, virsh];
