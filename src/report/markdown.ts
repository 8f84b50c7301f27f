/**
 * The whole report as GitHub-flavoured Markdown. Deterministic (no clock, no
 * randomness) so it can be golden-tested. Two kinds of text meet here:
 * rule text (finding messages, remediation details, reasoning) is Markdown
 * written by rule authors, with bundle values already escaped by the engine,
 * and is passed through; every other bundle-derived string (host names,
 * process names, evidence lines, paths) is escaped here.
 */
import type { Finding, Remediation } from '../model.js';
import {
  actionItems,
  CHECK_STATUS_TEXT,
  checkTitle,
  coverageTotals,
  checkDetail,
  collectHints,
  dataGaps,
  corroboratorsOf,
  episodeFollowersOf,
  describeLink,
  DUE_BY_PRIORITY,
  formatConfidence,
  formatKiB,
  formatTime,
  formatWindow,
  gapRows,
  postmortem,
  rankFindings,
  thresholdGroups,
  trimNumber,
  verdict,
  zoneOf,
  metricText,
  settingsSummary,
} from './format.js';
import { GUIDANCE_SOURCE, kvmView } from './kvm.js';
import type { ReportModel } from './model.js';

/** Escapes a plain string so Markdown shows it literally (inline context). */
export function mdEscape(text: string): string {
  return (
    text
      .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
      // GFM ignores intraword underscores (compact_stall), so only edges need it
      .replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace('_', '\\_'))
      // block syntax only matters at the start of a line, followed by a space
      .replace(/^(\s*)(#{1,6}|[-+]|\d{1,9}[.)])(?=\s|$)/gm, (_m, sp: string, mark: string) => `${sp}${escapeMarker(mark)}`)
      .replace(/\r?\n/g, ' ')
  );
}

function escapeMarker(mark: string): string {
  const last = mark.slice(-1);
  return /[.)]/.test(last) ? `${mark.slice(0, -1)}\\${last}` : `\\${mark}`;
}

/** For table cells: rule Markdown keeps its formatting but may not break the row. */
export function mdCell(markdown: string): string {
  return markdown.replace(/\r?\n+/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

/** Inline code that survives backticks inside the text. */
export function mdCode(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const runs = flat.match(/`+/g) ?? [];
  const longest = runs.reduce((m, r) => Math.max(m, r.length), 0);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  // in a table a pipe ends the cell even inside code; GFM accepts \| there
  return `${fence}${pad}${flat.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the text. */
export function mdFence(text: string, info = ''): string {
  const runs = text.match(/`{3,}/g) ?? [];
  const longest = runs.reduce((m, r) => Math.max(m, r.length), 0);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\r\n/g, '\n')}\n${fence}`;
}

function table(head: string[], rows: string[][], align?: ('l' | 'r' | 'c')[]): string {
  const sep = head.map((_, i) => {
    const a = align?.[i] ?? 'l';
    return a === 'r' ? '---:' : a === 'c' ? ':---:' : '---';
  });
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(sep), ...rows.map(line)].join('\n');
}

/** One line, ending with exactly one full stop. */
function sentence(text: string): string {
  const t = text.replace(/\n/g, ' ').trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function yesNo(v: boolean | undefined): string {
  return v === undefined ? 'not stated' : v ? 'yes' : 'no';
}

function remediationMd(r: Remediation, level: string): string {
  const out: string[] = [`${level} ${mdEscape(r.action)}`, '', r.detail.trim(), ''];
  out.push(`- **Expected impact:** ${r.expectedImpact}`);
  if (r.risk) out.push(`- **Risk:** ${r.risk}`);
  out.push(`- **Reboot needed:** ${yesNo(r.reboot)}`);
  if (r.rollback) out.push(`- **Roll back:** ${r.rollback}`);
  if (r.verify) out.push(`- **Verify:** ${r.verify}`);
  return out.join('\n');
}

function findingSection(model: ReportModel, f: Finding, rank: number): string {
  const zone = zoneOf(model);
  const out: string[] = [];
  out.push(`## ${rank}. ${mdEscape(f.title)}`, '');
  out.push(
    `**${f.severity.toUpperCase()}** · ${mdEscape(f.class)} · confidence ${formatConfidence(f.confidence)} · score ${f.score} · rule ${mdCode(f.rule)}`,
    '',
  );
  out.push(f.message.trim(), '');
  out.push(`- **When:** ${formatWindow(zone, f.window)}`);
  const subject = Object.entries(f.subject)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k} ${mdCode(String(v))}`);
  if (subject.length) out.push(`- **Subject:** ${subject.join(', ')}`);
  const metrics = Object.entries(f.metrics).map(([k, v]) => `${mdEscape(k)} ${metricText(k, v)}`);
  if (metrics.length) out.push(`- **How much:** ${metrics.join('; ')}`);
  out.push(`- **How sure:** ${formatConfidence(f.confidence)}`);
  out.push('');
  if (f.evidence.length) {
    out.push('### Evidence', '');
    for (const e of f.evidence) {
      out.push(`${mdCode(`${e.source}:${e.line}`)}`, '', mdFence(e.text, 'text'), '');
      if (e.note !== undefined) out.push(`_${mdEscape(e.note)}_`, '');
    }
  }
  if (f.reasoning.length) {
    out.push('### Reasoning', '');
    for (const r of f.reasoning) out.push(`- ${r.trim().replace(/\n/g, ' ')}`);
    out.push('');
  }
  const sameAs = f.sameEpisodeAs ?? [];
  const corroborators = corroboratorsOf(model, f);
  const followers = episodeFollowersOf(model, f);
  if (f.causes.length || f.effects.length || sameAs.length || corroborators.length || followers.length) {
    out.push('### Causes and effects', '');
    if (f.causes.length) out.push(`- **Caused by:** ${f.causes.map((c) => mdEscape(describeLink(model, c))).join('; ')}`);
    if (f.effects.length) out.push(`- **Leads to:** ${f.effects.map((c) => mdEscape(describeLink(model, c))).join('; ')}`);
    if (sameAs.length) out.push(`- **Same episode as:** ${sameAs.map((c) => mdEscape(describeLink(model, c))).join('; ')}`);
    if (corroborators.length) out.push(`- **Also measured by:** ${corroborators.map((c) => mdEscape(c.title)).join('; ')}`);
    if (followers.length) out.push(`- **In the same episode:** ${followers.map((c) => mdEscape(c.title)).join('; ')}`);
    out.push('');
  }
  if (f.remediation.length) {
    out.push('### Remediation', '');
    for (const r of f.remediation) out.push(remediationMd(r, '####'), '');
  }
  if (f.references.length) {
    out.push('### References', '');
    // Only real URLs become links; a citation such as "RHEL 7 Tuning Guide 9.3.2" stays text.
    for (const r of f.references) out.push(/^https?:\/\/\S+$/.test(r) ? `- <${r.replace(/[<>]/g, encodeURIComponent)}>` : `- ${mdEscape(r)}`);
    out.push('');
  }
  return out.join('\n');
}

export function renderMarkdown(model: ReportModel): string {
  const { report } = model;
  const zone = zoneOf(model);
  const b = report.bundle;
  const host = b.hostname ?? 'unknown host';
  const ranked = rankFindings(report.findings);
  const v = verdict(model);
  const out: string[] = [];

  out.push(`# sosmortem report: ${mdEscape(host)}`, '');
  out.push(`> **Verdict:** ${mdEscape(v.line)}`, '');
  const cover: [string, string][] = [
    ['Host', mdEscape(host)],
    ['Bundle', mdCode(b.path)],
    ['Bundle hash', report.analysis.bundleHash ? mdCode(report.analysis.bundleHash) : '—'],
    ['Collected', formatTime(zone, b.collectedAt)],
    ['Analysis window', formatWindow(zone, report.analysis.window)],
    ['Time zone', mdEscape(model.zone)],
    ...(b.os ? ([['OS', mdEscape(b.os)]] as [string, string][]) : []),
    ['Kernel', b.kernel ? mdCode(b.kernel) : '—'],
    ['CPUs / NUMA nodes', `${b.cpus ?? '—'} / ${b.numaNodes ?? '—'}`],
    ['Memory', b.memTotalKiB === null ? '—' : formatKiB(b.memTotalKiB)],
    ['Boot', formatTime(zone, b.bootTime)],
    ['Ruleset', mdEscape(report.analysis.rulesetVersion)],
    ['Tool', `${mdEscape(report.tool.name)} ${mdEscape(report.tool.version)}`],
  ];
  out.push(table(['Field', 'Value'], cover), '');

  out.push('## Summary', '');
  const items = actionItems(model);
  if (items.length) {
    out.push('### Top remediations', '');
    items.slice(0, 3).forEach((a, i) => {
      const r = a.remediation;
      out.push(
        `${i + 1}. **${mdEscape(r.action)}** (for: ${mdEscape(a.finding.title)}) — ${sentence(r.expectedImpact)}` +
          (r.risk ? ` Risk: ${sentence(r.risk)}` : '') +
          (r.reboot === undefined ? '' : ` Reboot: ${yesNo(r.reboot)}.`),
      );
    });
    out.push('');
  }
  const gaps = dataGaps(model);
  out.push('### What the data could not show', '');
  if (gaps.checks.length === 0 && gaps.errors.length === 0) out.push('Every check had the data it needs.');
  for (const c of gaps.checks) out.push(`- **${mdEscape(checkTitle(c))}** (${CHECK_STATUS_TEXT[c.status]}): ${mdEscape(c.detail)}`);
  for (const d of gaps.errors) out.push(`- ${mdCode(d.source + (d.line ? `:${d.line}` : ''))}: ${mdEscape(d.message)}`);
  const hints = collectHints(gaps.checks);
  if (hints.length > 0) {
    out.push('', 'To collect it next time:', '');
    for (const h of hints) out.push(`- **${mdEscape(h.rules.join(', '))}**: ${mdEscape(h.hint)}`);
  }
  out.push('');

  out.push('## Findings', '');
  if (ranked.length === 0) {
    out.push('No finding was raised.', '');
  } else {
    out.push(
      table(
        ['#', 'Finding', 'Class', 'Severity', 'Confidence', 'Score', 'First', 'Last', 'Evidence'],
        ranked.map((f, i) => [
          String(i + 1),
          mdEscape(f.title) + (f.sameEpisodeAs ?? []).map((id) => ` (same episode as #${ranked.findIndex((g) => g.id === id) + 1})`).join(''),
          mdEscape(f.class),
          f.severity,
          formatConfidence(f.confidence),
          String(f.score),
          formatTime(zone, f.window?.start),
          formatTime(zone, f.window?.end),
          String(f.evidence.length),
        ]),
        ['r', 'l', 'l', 'l', 'l', 'r', 'l', 'l', 'r'],
      ),
      '',
    );
    ranked.forEach((f, i) => out.push(findingSection(model, f, i + 1)));
  }

  if (model.numa?.length) {
    const min = model.thresholds?.find((t) => t.rule === 'numa-cross-node' && t.name === 'minLocalityPct')?.value ?? 90;
    const severe = model.thresholds?.find((t) => t.rule === 'numa-cross-node' && t.name === 'severeLocalityPct')?.value ?? 60;
    out.push('## NUMA locality', '');
    out.push(`Share of each node's allocated pages that went to tasks running on that node's CPUs, since boot (the kernel counts local_node and other_node on the node the page came from); ${min}% expected, ${severe}% or less severe (VMware practice; no Linux threshold is published).`, '');
    out.push(
      table(
        ['Node', 'Locality', 'Local pages', 'Remote pages', 'Against the lines'],
        [...model.numa]
          .sort((a, b) => Number(a.node) - Number(b.node))
          .map((n) => [mdEscape(n.node), `${trimNumber(n.localityPct, 1)}%`, n.hitCount === undefined ? '—' : String(n.hitCount), n.missCount === undefined ? '—' : String(n.missCount), n.localityPct >= min ? 'expected' : n.localityPct > severe ? `below ${min}%` : 'severe']),
        ['l', 'r', 'r', 'r', 'l'],
      ),
      '',
    );
  }

  const kvm = kvmSection(model);
  if (kvm) out.push(kvm);

  const pm = postmortem(model);
  out.push('## Postmortem draft', '');
  if (!pm) {
    out.push('Nothing to write up: no finding was raised.', '');
  } else {
    out.push('_Blameless draft generated from the findings; edit before sharing. What happened comes first, how to fix it after._', '');
    out.push('### Summary', '', mdEscape(pm.summary), '');
    out.push('### Impact', '', ...pm.impact.map((i) => `- ${mdEscape(i)}`), '');
    out.push('### Trigger', '', mdEscape(pm.trigger), '');
    out.push('### Root cause', '', mdEscape(pm.rootCause), '');
    out.push('### Detection', '', mdEscape(pm.detection), '');
    if (pm.timeline.length) {
      out.push('### Timeline', '', table(['Time', 'What happened'], pm.timeline.map((t) => [t.time, mdEscape(t.what)])), '');
    }
    out.push('### Resolution', '', ...pm.resolution.map((r) => `- ${mdEscape(r)}`), '');
    out.push('### Action items', '');
    out.push(
      table(
        ['Priority', 'Action', 'Finding', 'Owner', 'Due'],
        items.map((a) => [a.priority, mdEscape(a.remediation.action), mdEscape(a.finding.title), 'TBD', DUE_BY_PRIORITY[a.priority]]),
      ),
      '',
    );
  }

  const settings = report.analysis.settings;
  if (settings) {
    out.push('## Kernel settings at the next boot', '', mdEscape(settingsSummary(settings)), '');
    if (settings.drift.length > 0) {
      out.push(table(['Setting', 'Running', 'At the next boot', 'Set in'], settings.drift.map((d) => [mdCode(d.key), mdCode(d.running), mdCode(d.atBoot), mdCode(`${d.source}:${d.line}`)])), '');
    }
  }

  out.push('## What was checked', '');
  const checks = report.analysis.checks;
  if (checks.length === 0) out.push('No rule was run.', '');
  else {
    const healthy = checks.filter((c) => c.status === 'clear').length;
    out.push(`${checks.length} rule(s) ran: ${healthy} healthy, ${checks.filter((c) => c.status === 'fired').length} fired, ` +
      `${checks.filter((c) => c.status === 'no-data').length} without data, ${checks.filter((c) => c.status === 'error').length} failed` +
      (checks.some((c) => c.status === 'not-applicable') ? `, ${checks.filter((c) => c.status === 'not-applicable').length} not applicable.` : '.'), '');
    out.push(
      table(
        ['Rule', 'Check', 'Status', 'Detail'],
        checks.map((c) => [mdCode(c.rule), mdEscape(checkTitle(c)), CHECK_STATUS_TEXT[c.status], mdEscape(checkDetail(c))]),
      ),
      '',
    );
  }

  out.push('## Coverage', '');
  const tot = coverageTotals(model);
  out.push(`${tot.sources} source(s), ${tot.files} file(s), ${tot.records} record(s). Times in ${mdEscape(model.zone)}.`, '');
  if (report.coverage.length) {
    out.push(
      table(
        ['Source', 'Files', 'Records', 'From', 'To', 'Format', 'Diagnostics'],
        report.coverage.map((c) => [
          mdEscape(c.source),
          c.files.length ? c.files.map(mdCode).join('<br>') : '_missing_',
          String(c.records),
          formatTime(zone, c.from),
          formatTime(zone, c.to),
          c.format ? mdEscape(c.format) : '—',
          String(c.diagnostics),
        ]),
        ['l', 'l', 'r', 'l', 'l', 'l', 'r'],
      ),
      '',
    );
  }

  out.push('### Collection gaps', '');
  const gapList = gapRows(model);
  if (gapList.length === 0) out.push('No collection gap inside the analysis window.', '');
  else {
    out.push('Stretches inside the analysis window where no CPU, load or memory sample was taken; nothing can be said about them.', '');
    out.push(table(['From', 'To', 'Length'], gapList.map((g) => [g.from, g.to, g.duration])), '');
  }

  const groups = thresholdGroups(model);
  if (groups.length) {
    out.push('## Thresholds with sources', '');
    out.push(
      table(
        ['Rule', 'Threshold', 'Value', 'Why', 'Source'],
        groups.flatMap((g) =>
          g.rows.map((r, i) => [i === 0 ? mdCode(g.rule) : '', mdCode(r.name), mdEscape(r.value), mdEscape(r.reason), r.ref ? (/^https?:\/\//.test(r.ref) ? `<${r.ref.replace(/[<>\s|]/g, encodeURIComponent)}>` : mdEscape(r.ref)) : '—']),
        ),
        ['l', 'l', 'r', 'l', 'l'],
      ),
      '',
    );
  }

  out.push('## Diagnostics', '');
  if (report.diagnostics.length === 0) out.push('No diagnostics.', '');
  else {
    out.push(
      table(
        ['Severity', 'Where', 'Message'],
        report.diagnostics.map((d) => [d.severity, mdCode(d.source + (d.line ? `:${d.line}` : '')), mdEscape(d.message)]),
      ),
      '',
    );
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function kvmSection(model: ReportModel): string | null {
  const v = kvmView(model);
  if (!v) return null;
  const out: string[] = ['## Virtual machines (KVM)', '', mdEscape(v.summary), ''];
  out.push('### Overcommit', '');
  out.push(table(['Ratio', 'Value', 'Guidance', 'Against guidance'], v.overcommit.map((o) => [o.what, mdEscape(o.value), mdEscape(o.guidance), o.verdict])), '');
  out.push(`_Guidance, not a hard limit: ${GUIDANCE_SOURCE}. Ratios count every defined guest unless stated._`, '');
  out.push('### Guest inventory', '');
  out.push(
    table(
      ['Domain', 'State', 'vCPUs', 'Memory', 'Pinning', 'numatune', 'Hugepages', 'Disks (cache/io)', 'Balloon'],
      v.guests.map((g) => [
        mdCode(g.domain),
        mdEscape(g.state),
        g.vcpus,
        g.memory,
        mdEscape(g.pinning) + (g.emulatorpin ? `<br>emulator ${mdCode(g.emulatorpin)}` : ''),
        mdEscape(g.numatune),
        mdEscape(g.hugepages),
        g.disks.length ? g.disks.map(mdCode).join('<br>') : '—',
        mdEscape(g.balloon),
      ]),
      ['l', 'l', 'r', 'r', 'l', 'l', 'l', 'l', 'l'],
    ),
    '',
  );
  if (v.observations.length) {
    out.push('### Placement and disk observations', '', '_Observations, not findings: worth checking against how each guest is meant to run._', '');
    for (const o of v.observations) out.push(`- ${mdCode(o.domain)}: ${mdEscape(o.text)}`);
    out.push('');
  }
  out.push('### vCPU → host CPU → NUMA node', '');
  if (v.nodes.length) out.push(table(['Node', 'CPUs', 'Memory', 'Free'], v.nodes.map((n) => [`node ${mdEscape(n.node)}`, mdCode(n.cpus), n.size, n.free]), ['l', 'l', 'r', 'r']), '');
  out.push(table(['Domain', 'vCPU numbers', 'Host CPUs', 'Node(s)'], v.cpuMap.map((r) => [mdCode(r.domain), mdCode(r.vcpus), mdEscape(r.cpus), mdEscape(r.nodes)])), '');
  if (v.memory) {
    out.push('### Guest memory per node', '');
    out.push(
      table(
        ['Domain', ...v.memory.nodes.map((n) => `node ${mdEscape(n)}`), 'Total', "Off its vCPUs' node"],
        v.memory.rows.map((r) => [mdCode(r.domain), ...r.cells, r.total, r.offNode]),
        ['l', ...v.memory.nodes.map((): 'r' => 'r'), 'r', 'r'],
      ),
      '',
    );
  }
  return out.join('\n');
}
