// What kdump would do if the kernel crashed now, from the files sos's kdump plugin copies
// (sos/report/plugins/kdump.py): /sys/kernel/kexec_crash_loaded (1 when a crash kernel is loaded,
// Documentation/ABI/testing/sysfs-kernel-kexec-kdump), /sys/kernel/kexec_crash_size (the bytes reserved for it) and /proc/sys/kernel/panic_on_oops (1 when an
// oops panics, which is what makes kdump write a dump of it; Documentation/admin-guide/sysctl/kernel.rst).
import { firstLineParser } from './util.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  if (ctx.path.endsWith('kexec_crash_size')) {
    // the bytes set aside for the capture kernel now (crashkernel=, resizable by writing a smaller value); 0 when none
    return firstLineParser(sink, {
      what: 'a byte count',
      format: 'kexec_crash_size',
      parse: (line) => (/^\s*\d+\s*$/.test(line) && Number.isSafeInteger(Number(line.trim())) ? Number(line.trim()) : null),
      emit: (value, lineNo) => sink.fact('kdump.crashSizeBytes', value, lineNo),
    });
  }
  const crashKernel = ctx.path.endsWith('kexec_crash_loaded');
  return firstLineParser(sink, {
    what: 'a 0 or 1',
    format: crashKernel ? 'kexec_crash_loaded' : 'panic_on_oops',
    parse: (line) => (/^\s*[01]\s*$/.test(line) ? Number(line.trim()) : null),
    emit: (value, lineNo) => sink.fact(crashKernel ? 'kdump.crashKernelLoaded' : 'kdump.panicOnOops', value, lineNo),
  });
}

export const kdumpParser: SourceParser = {
  id: 'kdump',
  title: 'kdump state (kexec_crash_loaded, kexec_crash_size, panic_on_oops)',
  paths: [/^sys\/kernel\/kexec_crash_loaded$/, /^sys\/kernel\/kexec_crash_size$/, /^proc\/sys\/kernel\/panic_on_oops$/],
  sniff() {
    return false;
  },
  create,
};
