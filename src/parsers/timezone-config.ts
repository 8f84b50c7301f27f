// The zone a host was configured with, where no command printed it:
// - Debian's /etc/timezone, one line naming the zone (tzdata's debconf writes it);
// - /etc/sysconfig/clock on RHEL 5 and 6 (ZONE="America/New_York", read by tzdata-update) and
//   SUSE (TIMEZONE="Europe/Berlin"); sos's system plugin copies /etc/sysconfig whole.
// Both can be stale (RHEL 7's timedatectl leaves sysconfig/clock alone), so the clock checks them
// against the offset between `date` and `date --utc` before using them (timeline/facts.ts).
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

function create(ctx: ParseContext, sink: RecordSink): LineParser {
  const sysconfig = ctx.path.endsWith('sysconfig/clock');
  let found = false;
  return {
    push(line, lineNo) {
      if (found) return;
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      let name = t;
      if (sysconfig) {
        const m = /^(ZONE|TIMEZONE)\s*=\s*(["']?)([^"']*)\2\s*$/.exec(t);
        if (!m) return;
        name = (m[3] ?? '').trim();
      }
      if (!ZONE_NAME.test(name)) {
        sink.diagnostic(lineNo, 'info', `"${name.slice(0, 80)}" is not the name of a zone`);
        found = true;
        return;
      }
      found = true;
      sink.format(sysconfig ? 'sysconfig clock' : 'timezone');
      sink.fact('time.zoneConfigured', name, lineNo);
    },
    end() {
      if (!found && sysconfig) sink.diagnostic(undefined, 'info', 'no ZONE= or TIMEZONE= line');
    },
  };
}

export const timezoneConfigParser: SourceParser = {
  id: 'timezone-config',
  title: '/etc/timezone, /etc/sysconfig/clock',
  paths: [/^etc\/timezone$/, /^etc\/sysconfig\/clock$/],
  sniff() {
    return false;
  },
  create,
};
