// TuneD, which RHEL and Fedora run by default, applies a profile's settings at every boot, sysctl
// among them. sos's tuned plugin (sos/report/plugins/tuned.py) copies /etc/tuned (the active
// profile's name, tuned-main.conf, the user's own profiles) and /usr/lib/tuned (the shipped profiles),
// and runs `tuned-adm active` and `tuned-adm verify`. Each file is read on its own here; which
// profile's line wins is settled across them in timeline/boot-settings.ts. Profile format:
// tuned.conf(5) and tuned-profiles(7); tuned-main.conf(5) for reapply_sysctl.
import { SYSCTL_KEY, sysctlKey } from './sysctl-conf.js';
import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';

/** A profile's tuned.conf: /etc/tuned/<name>/ (the user's, which wins) or /usr/lib/tuned/<name>/; tuned 2.23+ adds profiles/. */
const PROFILE = /^(etc|usr\/lib)\/tuned\/(?:profiles\/)?([A-Za-z0-9_.+-]+)\/tuned\.conf$/;

/** tuned's booleans (its configobj reader's words): 1, 0, or null for anything else. */
function tunedBool(value: string): 1 | 0 | null {
  if (/^(1|true|yes|on)$/i.test(value)) return 1;
  if (/^(0|false|no|off)$/i.test(value)) return 0;
  return null;
}

function createProfile(ctx: ParseContext, sink: RecordSink): LineParser {
  const m = PROFILE.exec(ctx.path);
  const profile = m?.[2] ?? '';
  const dir = m?.[1] === 'etc' ? 'etc' : 'usr';
  let section = '';
  // a section of another name is a sysctl instance when its type says so; one with conditions
  // (uname_regex, cpuinfo_regex: a ThunderX, an AMD CPU) applies only on matching hardware
  let pending: { key: string; value: string; line: number }[] = [];
  let instance: { sysctl: boolean; vm: boolean; conditional: boolean; replace: boolean } = { sysctl: false, vm: false, conditional: false, replace: false };
  let conditionalSettings = 0;
  const flush = (): void => {
    // [vm] transparent_hugepages= (the plugin also takes the kernel's own spelling)
    const thp =
      instance.vm && !instance.conditional ? pending.filter((p) => p.key === 'transparent_hugepages' || p.key === 'transparent_hugepage').pop() : undefined;
    if (thp && /^(always|madvise|never)$/.test(thp.value)) sink.fact('tuned.thp', thp.value, thp.line, { profile, dir });
    if (!instance.sysctl) {
      pending = [];
      return;
    }
    if (instance.conditional) conditionalSettings += pending.length;
    else {
      if (instance.replace) sink.fact('tuned.sysctlReplace', 1, 0, { profile, dir });
      for (const p of pending) sink.fact('tuned.sysctl', p.value, p.line, { profile, dir, key: p.key });
    }
    pending = [];
  };
  return {
    push(line, lineNo) {
      const t = line.trim();
      if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
      if (t.startsWith('[')) {
        flush();
        section = t.replace(/^\[\s*|\s*\].*$/g, '');
        instance = { sysctl: section === 'sysctl', vm: section === 'vm', conditional: false, replace: false };
        return;
      }
      const eq = t.indexOf('=');
      if (eq <= 0) return;
      const key = t.slice(0, eq).trim();
      const value = t.slice(eq + 1).trim();
      if (section === 'main') {
        if (key === 'include') sink.fact('tuned.include', value, lineNo, { profile, dir });
        else if (key === 'summary') sink.fact('tuned.summary', value, lineNo, { profile, dir });
        return;
      }
      if (section === 'variables') {
        if (key !== 'include' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) sink.fact('tuned.variable', value, lineNo, { profile, dir, name: key });
        return;
      }
      // the plugin options every instance may carry
      if (key === 'type') {
        instance.sysctl = value === 'sysctl';
        instance.vm = value === 'vm';
        return;
      }
      if (key === 'uname_regex' || key === 'cpuinfo_regex') {
        instance.conditional = true;
        return;
      }
      if (key === 'replace') {
        instance.replace = tunedBool(value) === 1;
        return;
      }
      if (key === 'devices' || key === 'enabled' || key === 'priority' || key === 'devices_udev_regex' || key === 'script_pre' || key === 'script_post') return;
      if (SYSCTL_KEY.test(key)) pending.push({ key: sysctlKey(key), value, line: lineNo });
    },
    end() {
      flush();
      // that the profile exists here: one in /etc replaces the shipped one of its name, settings or not
      sink.fact('tuned.profile', profile, 0, { profile, dir });
      sink.format(`tuned profile ${profile}`);
      if (conditionalSettings > 0) {
        sink.diagnostic(
          undefined,
          'info',
          `${conditionalSettings} sysctl setting(s) in sections for particular hardware (uname_regex, cpuinfo_regex) are not counted as boot settings`,
        );
      }
    },
  };
}

function createActive(ctx: ParseContext, sink: RecordSink): LineParser {
  const fromAdm = ctx.path.endsWith('tuned-adm_active');
  return {
    push(line, lineNo) {
      const t = line.trim();
      if (t === '') return;
      if (fromAdm) {
        // "Current active profile: virtual-host"; "No current active profile."
        const m = /^Current active profile:\s*(\S.*)$/.exec(t);
        if (m) sink.fact('tuned.activeProfile', (m[1] ?? '').trim(), lineNo);
        else if (/^No current active profile/.test(t)) sink.fact('tuned.activeProfile', '', lineNo);
        return;
      }
      // active_profile holds the name(s) on its first line, several when profiles are merged
      if (lineNo === 1) sink.fact('tuned.activeProfile', t, lineNo);
    },
    end() {
      sink.format(fromAdm ? 'tuned-adm active' : 'active_profile');
    },
  };
}

function createMain(_ctx: ParseContext, sink: RecordSink): LineParser {
  return {
    push(line, lineNo) {
      const m = /^\s*reapply_sysctl\s*=\s*(\S+)/.exec(line);
      if (!m) return;
      const v = tunedBool(m[1] ?? '');
      if (v !== null) sink.fact('tuned.reapplySysctl', v, lineNo);
    },
    end() {
      sink.format('tuned-main.conf');
    },
  };
}

export const tunedParser: SourceParser = {
  id: 'tuned',
  title: 'TuneD: the active profile and its sysctl settings',
  paths: [PROFILE, /^etc\/tuned\/active_profile$/, /^sos_commands\/tuned\/tuned-adm_active$/, /^etc\/tuned\/tuned-main\.conf$/],
  sniff() {
    return false;
  },
  create(ctx, sink) {
    if (PROFILE.test(ctx.path)) return createProfile(ctx, sink);
    if (ctx.path.endsWith('tuned-main.conf')) return createMain(ctx, sink);
    return createActive(ctx, sink);
  },
};
