import { toLocalText, type Zone } from '../timeline/clock.js';
import { compile, type Env, type Value } from './expr.js';

/** Numbers in prose: whole when large, two significant decimals when small. */
export function fmtNum(x: Value, digits?: Value): string {
  const n = Number(x);
  if (!Number.isFinite(n)) return 'n/a';
  if (digits !== undefined && digits !== null) return n.toFixed(Number(digits));
  const a = Math.abs(n);
  if (a >= 100) return Math.round(n).toLocaleString('en-US');
  if (a >= 10) return n.toFixed(1).replace(/\.0$/, '');
  if (a >= 1) return n.toFixed(2).replace(/\.?0+$/, '');
  if (a === 0) return '0';
  return n.toPrecision(2);
}

export function fmtKiB(x: Value): string {
  const n = Number(x);
  if (!Number.isFinite(n)) return 'n/a';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${fmtNum(v)} ${units[u]}`;
}

export function fmtDur(sec: Value): string {
  const s = Number(sec);
  if (!Number.isFinite(s)) return 'n/a';
  if (s < 90) return `${Math.round(s)} s`;
  // Under ten minutes the seconds matter: "5 min" for a window of 4 min 40 s read as a different window.
  if (s < 600) {
    const m = Math.floor(Math.round(s) / 60);
    const rest = Math.round(s) - m * 60;
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s - h * 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${fmtNum(s / 86400)} days`;
}

/** Characters that would let a bundle value become Markdown structure (links, tables, HTML, code). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`<>[\]|*]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A value for inside inline code or a fenced block: nothing that could close the code. */
export function codeSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[`\u0000-\u001f\u007f]/g, '?');
}

export function formatFunctions(zone: Zone): Env {
  return {
    fmtNum: fmtNum as unknown as Value,
    fmtKiB: fmtKiB as unknown as Value,
    fmtMiB: ((x: Value) => fmtKiB(Number(x) * 1024)) as unknown as Value,
    fmtDur: fmtDur as unknown as Value,
    fmtTime: ((ms: Value) => (typeof ms === 'number' && Number.isFinite(ms) ? toLocalText(zone, ms) : 'unknown time')) as unknown as Value,
    fmtPct: ((x: Value) => `${fmtNum(x)}%`) as unknown as Value,
  };
}

/**
 * Fills `{{ expression }}` placeholders. Strings from the bundle are escaped
 * for Markdown unless the expression is wrapped in code(...), which is for
 * values placed inside code spans and blocks.
 */
/**
 * Fills a rule's text. Messages and remediation details are Markdown: values from the bundle are
 * escaped so that they cannot add markup. Titles and actions are plain text (every renderer escapes
 * them for its own format): `plain` leaves values as they are, on one line.
 */
export function renderTemplate(tpl: string, env: Env, plain = false): string {
  return tpl.replace(/\{\{([^{}]+)\}\}/g, (_m, raw: string) => {
    let expr = raw.trim();
    let inCode = false;
    const codeCall = /^code\((.*)\)$/s.exec(expr);
    if (codeCall) {
      inCode = true;
      expr = codeCall[1] ?? '';
    }
    let v: Value;
    try {
      v = compile(expr)(env);
    } catch {
      v = undefined;
    }
    const text = valueText(v);
    return inCode ? codeSafe(text) : plain ? text.replace(/\r?\n/g, ' ') : escapeMarkdown(text);
  });
}

function valueText(v: Value): string {
  if (v === undefined || v === null) return 'n/a';
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map((x) => valueText(x)).join(', ');
  return JSON.stringify(v);
}
