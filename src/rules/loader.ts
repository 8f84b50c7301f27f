import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { validateExpression } from './expr.js';
import type { Detect, RuleCase, RuleDef } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root, both from src/ (tests, tsx) and from dist/ (installed). */
export const PACKAGE_ROOT = path.resolve(here, '..', '..');
export const BUILTIN_RULES_DIR = path.join(PACKAGE_ROOT, 'rules');

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}${where ? ` at ${where}` : ''}: ${reason}`);
    this.name = 'RuleFileError';
  }
}

let validator: ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: unknown }[] | null } | undefined;

// ajv is imported only when a file is validated: loading it and compiling the
// schema is ~100 ms, more than all the rest of loading the built-in rules.
async function ruleValidator(): Promise<NonNullable<typeof validator>> {
  if (!validator) {
    const { Ajv } = await import('ajv');
    const schema: unknown = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'schema', 'rule.schema.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(schema as object) as NonNullable<typeof validator>;
  }
  return validator;
}

export interface LoadRulesOptions {
  /**
   * Check the built-in rules against the JSON schema too (default true). A run
   * may pass false: the built-in files ship with the package and are checked
   * by `rules check` and the test suite, so re-validating them on every run
   * only costs start-up time. User directories are always validated.
   */
  validateBuiltin?: boolean;
}

/** Every `*.yaml` rule file under a directory (cases files and correlations excluded). */
export async function ruleFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string, depth: number): Promise<void> {
    if (depth > 8) return;
    for (const name of (await readdir(d)).sort()) {
      const full = path.join(d, name);
      const st = await stat(full);
      if (st.isDirectory()) await walk(full, depth + 1);
      else if (/\.ya?ml$/.test(name) && !/\.cases\.ya?ml$/.test(name) && name !== 'correlations.yaml') out.push(full);
    }
  }
  await walk(dir, 0);
  return out;
}

/** Loads and checks one rule file; errors name the file, the path inside it and the reason. */
export async function loadRuleFile(file: string, validateSchema = true): Promise<RuleDef> {
  const text = await readFile(file, 'utf8');
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) throw new RuleFileError(file, `line ${err.linePos?.[0]?.line ?? '?'}`, err.message.split('\n')[0] ?? 'invalid YAML');
    throw err;
  }
  if (validateSchema) {
    const validate = await ruleValidator();
    if (!validate(data)) {
      const e = validate.errors?.[0];
      throw new RuleFileError(file, e?.instancePath || '/', `${e?.message ?? 'invalid'}${e?.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    }
  }
  const rule = { confidence: 0.8, ...(data as object), file } as RuleDef;
  const base = path.basename(file).replace(/\.ya?ml$/, '');
  if (base !== rule.id) throw new RuleFileError(file, '/id', `id "${rule.id}" must match the file name "${base}"`);
  for (const [where, expr] of expressionsOf(rule)) {
    const problem = validateExpression(expr);
    if (problem) throw new RuleFileError(file, where, problem);
  }
  for (const [where, name] of thresholdRefs(rule.detect)) {
    if (typeof name === 'string' && !(name in rule.thresholds)) throw new RuleFileError(file, where, `threshold "${name}" is not defined under thresholds`);
  }
  return rule;
}

function thresholdRefs(d: Detect): [string, string | number][] {
  if (d.kind === 'threshold') return [['/detect/minDurationSec', d.minDurationSec], ...(d.mergeGapSec === undefined ? [] : [['/detect/mergeGapSec', d.mergeGapSec] as [string, string | number]])];
  if (d.kind === 'trend') return [['/detect/minPoints', d.minPoints], ['/detect/minSpanSec', d.minSpanSec]];
  return [];
}

function expressionsOf(rule: RuleDef): [string, string][] {
  const out: [string, string][] = [];
  const d = rule.detect;
  if (d.kind === 'threshold') {
    out.push(['/detect/enter', d.enter]);
    if (d.exit) out.push(['/detect/exit', d.exit]);
  } else if (d.kind === 'trend' || d.kind === 'state') out.push(['/detect/when', d.when]);
  else if (d.where) out.push(['/detect/where', d.where]);
  for (const [k, v] of Object.entries(rule.metrics)) out.push([`/metrics/${k}`, v]);
  rule.severity.forEach((s, i) => out.push([`/severity/${i}/when`, s.when]));
  if (typeof rule.confidence === 'string') out.push(['/confidence', rule.confidence]);
  for (const [k, v] of Object.entries(rule.subject ?? {})) out.push([`/subject/${k}`, v]);
  rule.remediation.forEach((r, i) => {
    if (r.when) out.push([`/remediation/${i}/when`, r.when]);
  });
  for (const [where, tpl] of templatesOf(rule)) for (const e of templateExpressions(tpl)) out.push([where, e]);
  return out;
}

function templatesOf(rule: RuleDef): [string, string][] {
  const out: [string, string][] = [
    ['/title', rule.title],
    ['/message', rule.message],
  ];
  rule.remediation.forEach((r, i) => {
    for (const k of ['action', 'detail', 'expectedImpact', 'risk', 'rollback', 'verify'] as const) {
      const v = r[k];
      if (typeof v === 'string') out.push([`/remediation/${i}/${k}`, v]);
    }
  });
  return out;
}

export function templateExpressions(tpl: string): string[] {
  const out: string[] = [];
  const re = /\{\{([^{}]+)\}\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(tpl)) !== null) out.push((m[1] ?? '').trim());
  return out;
}

export interface LoadedRules {
  rules: RuleDef[];
  errors: RuleFileError[];
}

/** Loads the built-in rules and any user directories; a broken file is an error entry, not a crash. */
export async function loadRules(extraDirs: string[] = [], includeBuiltin = true, options: LoadRulesOptions = {}): Promise<LoadedRules> {
  const validateBuiltin = options.validateBuiltin ?? true;
  const dirs = includeBuiltin ? [BUILTIN_RULES_DIR, ...extraDirs] : extraDirs;
  const rules: RuleDef[] = [];
  const errors: RuleFileError[] = [];
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = await ruleFiles(dir);
    } catch (err) {
      errors.push(new RuleFileError(dir, '', `cannot read rules directory: ${(err as Error).message}`));
      continue;
    }
    for (const f of files) {
      try {
        const r = await loadRuleFile(f, validateBuiltin || !(includeBuiltin && dir === BUILTIN_RULES_DIR));
        const prev = seen.get(r.id);
        if (prev) {
          // A user's rule with a built-in id replaces it: that is how thresholds are tuned.
          const i = rules.findIndex((x) => x.id === r.id);
          rules.splice(i, 1);
        }
        seen.set(r.id, f);
        rules.push(r);
      } catch (err) {
        errors.push(err instanceof RuleFileError ? err : new RuleFileError(f, '', (err as Error).message));
      }
    }
  }
  return { rules, errors };
}

/** The test cases beside a rule: `<id>.cases.yaml`. */
export async function loadRuleCases(rule: RuleDef): Promise<RuleCase[] | null> {
  const file = rule.file.replace(/\.ya?ml$/, '.cases.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const data = parseYaml(text) as { cases?: RuleCase[] } | RuleCase[];
  return Array.isArray(data) ? data : (data.cases ?? []);
}
