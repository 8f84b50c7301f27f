// Runs one analysis in its own process and prints its peak memory, so a test
// can hold the documented memory cap against real hostile inputs.
import { readFileSync } from 'node:fs';
import { analyze } from '../../src/analyze.js';
import { writeReports } from '../../src/report/write.js';

const [input, out, maxTotal, scratch] = process.argv.slice(2) as [string, string, string | undefined, string | undefined];
// "scratch": decode into the output directory, as the CLI does with -o (xz-file.ts).
const { model } = await analyze([input], { ...(maxTotal ? { maxTotalBytes: Number(maxTotal) } : {}), ...(scratch === 'scratch' ? { scratchDir: out } : {}) });
await writeReports(model, out, ['json', 'md'], { force: true });
const r = model.report;
// This process's own peak (VmHWM, of the memory it has had since exec). getrusage's maxRSS is not: a
// kernel folds the peak of the process that forked it into it at exec, and Node forks this child from a
// test holding the bomb's 400 MiB (Linux 6.18 reported 830 MB for a child that peaked at 97 MB).
const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(
  JSON.stringify({
    maxRssKiB: hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS,
    files: r.coverage.flatMap((c) => c.files),
    diagnostics: r.diagnostics.map((d) => `${d.source}: ${d.message}`),
    eventTypes: model.events.reduce<Record<string, number>>((n, e) => ({ ...n, [e.type]: (n[e.type] ?? 0) + 1 }), {}),
    rates: Object.fromEntries(
      model.findingCharts.map((c) => {
        const values = c.series.flatMap((s) => s.points.map(([, v]) => v));
        return [c.findingId, { title: c.title, total: values.reduce((n, v) => n + v, 0), max: Math.max(...values) }];
      }),
    ),
    findings: r.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      subject: f.subject,
      metrics: f.metrics,
      window: f.window,
      id: f.id,
      evidenceLines: f.evidence.map((e) => e.line),
    })),
  }),
);
