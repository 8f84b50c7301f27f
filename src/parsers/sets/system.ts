import type { SourceParser } from '../types.js';
import { dateParser } from '../date.js';
import { uptimeParser } from '../uptime.js';
import { procStatParser } from '../proc-stat.js';
import { unameParser } from '../uname.js';
import { hostnameParser } from '../hostname.js';
import { osReleaseParser } from '../os-release.js';
import { lscpuParser } from '../lscpu.js';
import { cpuinfoParser } from '../cpuinfo.js';
import { meminfoParser } from '../meminfo.js';
import { procVmstatParser } from '../proc-vmstat.js';
import { buddyinfoParser } from '../buddyinfo.js';
import { zoneinfoParser } from '../zoneinfo.js';
import { pressureParser } from '../pressure.js';
import { swapsParser } from '../swaps.js';
import { diskstatsParser } from '../diskstats.js';
import { slabinfoParser } from '../slabinfo.js';
import { lsblkParser } from '../lsblk.js';
import { freeParser } from '../free.js';
import { sysctlParser } from '../sysctl.js';
import { sysMmParser } from '../sys-mm.js';
import { manifestParser } from '../manifest.js';
import { dumpe2fsParser } from '../dumpe2fs.js';
import { dfParser } from '../df.js';
import { localtimeParser } from '../localtime.js';
import { sysctlConfParser } from '../sysctl-conf.js';
import { kernelCmdlineParser } from '../kernel-cmdline.js';
import { kdumpParser } from '../kdump.js';
import { crashListingParser } from '../crash-listing.js';
import { kexecDmesgParser } from '../kexec-dmesg.js';
import { kdumpConfigParser } from '../kdump-config.js';
import { timezoneConfigParser } from '../timezone-config.js';
import { tunedParser } from '../tuned.js';
import { mountsParser } from '../mounts.js';
import { fstabParser } from '../fstab.js';

/**
 * Host facts: clock, identity, memory and block-device state read once.
 * Sniff order: content-specific formats first; hostname (name-only sniff) last.
 */
export const SYSTEM_PARSERS: readonly SourceParser[] = [
  manifestParser,
  procStatParser,
  uptimeParser,
  unameParser,
  osReleaseParser,
  lscpuParser,
  cpuinfoParser,
  meminfoParser,
  procVmstatParser,
  buddyinfoParser,
  zoneinfoParser,
  pressureParser,
  swapsParser,
  diskstatsParser,
  slabinfoParser,
  lsblkParser,
  freeParser,
  sysctlParser,
  sysctlConfParser,
  tunedParser,
  kernelCmdlineParser,
  kdumpParser,
  crashListingParser,
  kexecDmesgParser,
  kdumpConfigParser,
  sysMmParser,
  dumpe2fsParser,
  dfParser,
  mountsParser,
  fstabParser,
  localtimeParser,
  timezoneConfigParser,
  dateParser,
  hostnameParser,
];
