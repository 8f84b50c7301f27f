import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ReportModel } from '../../src/report/model.js';

export function loadModel(name: 'leak-swap-oom' | 'healthy' | 'kvm-numa'): ReportModel {
  const parsed: ReportModel = JSON.parse(readFileSync(new URL(`../fixtures/report/${name}.json`, import.meta.url), 'utf8'));
  return parsed;
}

export const XSS_SCRIPT = '<script>alert(1)</script>';
export const XSS_IMG = '"><img src=x onerror=alert(1)>';

/** The leak fixture with hostile strings wherever the bundle feeds the report. */
export function hostileModel(): ReportModel {
  const m = loadModel('leak-swap-oom');
  m.report.bundle.hostname = XSS_SCRIPT;
  m.report.bundle.kernel = XSS_IMG;
  m.report.bundle.path = `/tmp/${XSS_IMG}`;
  const f = m.report.findings[0];
  if (!f) throw new Error('fixture has no finding');
  f.title = `${XSS_SCRIPT} leaks memory`;
  f.subject = { pid: 4242, comm: XSS_IMG };
  // rule text is Markdown; raw HTML in it must come out escaped, not rendered
  f.message = `The RSS of ${XSS_IMG} grew ${XSS_SCRIPT} [click](javascript:alert(1)) ![x](http://example.invalid/x.png)`;
  f.evidence.push({ source: `var/log/${XSS_SCRIPT}`, line: 1, text: `kernel: ${XSS_SCRIPT} ${XSS_IMG}` });
  f.reasoning.push(`<img src=x onerror=alert(1)>`);
  f.causes.push(XSS_IMG);
  const r = f.remediation[0];
  if (r) {
    r.action = XSS_SCRIPT;
    r.detail = `run <script>alert(1)</script>\n\n<div onerror=alert(1)>x</div>`;
    r.verify = XSS_IMG;
  }
  f.references.push('javascript:alert(1)');
  m.events.push({ type: 'oom-kill', t: m.span?.start ?? 0, label: XSS_SCRIPT, labels: { comm: XSS_IMG }, source: XSS_SCRIPT, line: 3 });
  for (const s of m.series) if (s.metric === 'disk.utilPct' && s.labels['device'] === 'sda') s.labels = { device: XSS_SCRIPT };
  for (const c of m.findingCharts) c.title = XSS_IMG;
  const check = m.report.analysis.checks[0];
  if (check) check.detail = XSS_SCRIPT;
  m.report.coverage.push({ source: XSS_SCRIPT, files: [XSS_IMG], records: 1, from: null, to: null, format: XSS_SCRIPT, diagnostics: 0 });
  m.report.diagnostics.push({ source: XSS_IMG, line: 2, severity: 'error', message: XSS_SCRIPT });
  return m;
}

/** The KVM fixture with hostile guest names and disk targets, as libvirt XML could carry them. */
export function hostileKvmModel(): ReportModel {
  const m = loadModel('kvm-numa');
  const g = m.kvm?.guests[0];
  if (!g) throw new Error('fixture has no guest');
  g.domain = XSS_SCRIPT;
  g.state = XSS_IMG;
  g.numatune = `strict ${XSS_IMG}`;
  g.balloon = '|a|b|';
  g.emulatorpin = XSS_SCRIPT;
  g.disks.push({ target: `vd|${XSS_IMG}`, bus: XSS_SCRIPT, cache: 'unsafe`', io: '*x*' });
  g.memoryByNodeMiB = { ...(g.memoryByNodeMiB ?? {}), [XSS_IMG]: 5 };
  const n = m.kvm?.nodes[0];
  if (n) n.cpus = XSS_IMG;
  const t = m.thresholds?.[0];
  if (t) {
    t.reason = XSS_SCRIPT;
    t.ref = 'javascript:alert(1)';
  }
  return m;
}

/** Text of a PDF through poppler's pdftotext when installed; null otherwise. */
export function pdfText(pdf: Uint8Array): string | null {
  try {
    return execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8');
  } catch {
    return null;
  }
}
