import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateExpression } from './expr.js';
import type { Detect, RuleCase, RuleDef } from './types.js';
import { isAttributeName } from './detectors/event.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root, both from src/ (tests, tsx) and from dist/ (installed). */
export const PACKAGE_ROOT = path.resolve(here, '..', '..');
export const BUILTIN_RULES_DIR = path.join(PACKAGE_ROOT, 'rules');
export const CORRELATIONS_FILE = path.join(BUILTIN_RULES_DIR, 'correlations.yaml');
/**
 * The built-in rules parsed, checked against the schema and their expressions
 * validated once, at build time (scripts/compile-rules.mjs): parsing the YAML
 * on every run was a third of a small bundle's analysis.
 */
export const COMPILED_RULES_FILE = path.join(PACKAGE_ROOT, 'dist', 'rules.compiled.json');
const RULE_SCHEMA_FILE = path.join(PACKAGE_ROOT, 'schema', 'rule.schema.json');

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
    const schema: unknown = JSON.parse(await readFile(RULE_SCHEMA_FILE, 'utf8'));
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
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      const full = path.join(d, name);
      // Only a link needs a stat() to know what it points at.
      const isDir = entry.isSymbolicLink() ? (await stat(full)).isDirectory() : entry.isDirectory();
      if (isDir) await walk(full, depth + 1);
      else if (/\.ya?ml$/.test(name) && !/\.cases\.ya?ml$/.test(name) && name !== 'correlations.yaml') out.push(full);
    }
  }
  await walk(dir, 0);
  return out;
}

/**
 * Rule files already loaded and checked, by path, while their size and mtime stay the same: a batch
 * analyses every bundle with the same `--rules` files (and, in a checkout whose compiled rules are
 * stale, the built-in ones), and reading, validating and compiling them again cost ~2 ms a file per bundle.
 */
const loadedFiles = new Map<string, { size: number; mtimeMs: number; validated: boolean; rule: RuleDef }>();

/** Loads and checks one rule file; errors name the file, the path inside it and the reason. */
export async function loadRuleFile(file: string, validateSchema = true): Promise<RuleDef> {
  const st = await stat(file);
  const known = loadedFiles.get(file);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs && (known.validated || !validateSchema)) return known.rule;
  // frozen, as the compiled built-in rules are: every analysis of the process shares it
  const rule = Object.freeze(await readRuleFile(file, validateSchema));
  loadedFiles.set(file, { size: st.size, mtimeMs: st.mtimeMs, validated: validateSchema, rule });
  return rule;
}

async function readRuleFile(file: string, validateSchema: boolean): Promise<RuleDef> {
  const text = await readFile(file, 'utf8');
  const { parse: parseYaml, YAMLParseError } = await import('yaml');
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
  else {
    if (d.where) out.push(['/detect/where', d.where]);
    (d.groupBy ?? []).forEach((k, i) => {
      if (!isAttributeName(k)) out.push([`/detect/groupBy/${i}`, k]);
    });
  }
  for (const [k, v] of Object.entries(rule.texts ?? {})) out.push([`/texts/${k}`, v]);
  for (const [k, v] of Object.entries(rule.metrics)) out.push([`/metrics/${k}`, v]);
  if (rule.episode) out.push(['/episode/key', rule.episode.key]);
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
    const compiled = dir === BUILTIN_RULES_DIR && !validateBuiltin ? await compiledBuiltin() : null;
    if (compiled) {
      for (const r of withBuiltinPaths(compiled)) {
        seen.set(r.id, r.file);
        rules.push(r);
      }
      continue;
    }
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
  const { parse: parseYaml } = await import('yaml');
  const data = parseYaml(text) as { cases?: RuleCase[] } | RuleCase[];
  return Array.isArray(data) ? data : (data.cases ?? []);
}

export interface CompiledRules {
  format: 1;
  /** of the rule files, correlations and schema the rules were compiled from */
  fingerprint: string;
  /** `file` relative to the built-in rules directory */
  rules: RuleDef[];
  correlations: unknown;
}

/**
 * sha256 over the built-in rule files, the correlations and the rule schema,
 * names and contents: the compiled rules are used only while it matches, so an
 * edited rule file is read from its YAML again, whatever the file times say.
 */
async function builtinFingerprint(): Promise<string> {
  const files = [...(await ruleFiles(BUILTIN_RULES_DIR)), CORRELATIONS_FILE, RULE_SCHEMA_FILE];
  const texts = await Promise.all(files.map((f) => readFile(f)));
  const h = createHash('sha256');
  files.forEach((f, i) => h.update(`${path.relative(PACKAGE_ROOT, f)}\0`).update(texts[i] as Buffer).update('\0'));
  return h.digest('hex');
}

const compiledCache = new Map<string, Promise<CompiledRules | null>>();

const builtinRuleObjects = new WeakMap<CompiledRules, RuleDef[]>();

/**
 * The compiled rules with their full paths, the same objects on every load: a
 * batch worker loads the rules for each bundle, and what is derived from a rule
 * (the ruleset digest, the metrics it reads) is kept per rule object.
 */
function withBuiltinPaths(compiled: CompiledRules): RuleDef[] {
  let rules = builtinRuleObjects.get(compiled);
  if (!rules) {
    rules = compiled.rules.map((r) => Object.freeze({ ...r, file: path.join(BUILTIN_RULES_DIR, r.file) }));
    builtinRuleObjects.set(compiled, rules);
  }
  return rules;
}

/** The compiled built-in rules when present and made from the files as they are now; null otherwise. */
export function compiledBuiltin(file = COMPILED_RULES_FILE): Promise<CompiledRules | null> {
  let pending = compiledCache.get(file);
  if (!pending) {
    pending = (async () => {
      let data: CompiledRules;
      try {
        data = JSON.parse(await readFile(file, 'utf8')) as CompiledRules;
      } catch {
        return null;
      }
      if (data.format !== 1 || !Array.isArray(data.rules)) return null;
      return data.fingerprint === (await builtinFingerprint()) ? data : null;
    })();
    compiledCache.set(file, pending);
  }
  return pending;
}

/**
 * Parses and fully checks the built-in rules (schema, expressions, thresholds)
 * and the correlations, and writes them as JSON for runs to load. Throws when
 * any built-in rule is broken, so that a broken rule fails the build.
 */
export async function compileBuiltinRules(out = COMPILED_RULES_FILE): Promise<{ file: string; rules: number }> {
  const { rules, errors } = await loadRules([], true, { validateBuiltin: true });
  if (errors.length) throw new Error(`built-in rules do not load:\n${errors.map((e) => `  ${e.message}`).join('\n')}`);
  const { parse: parseYaml } = await import('yaml');
  const compiled: CompiledRules = {
    format: 1,
    fingerprint: await builtinFingerprint(),
    rules: rules.map((r) => ({ ...r, file: path.relative(BUILTIN_RULES_DIR, r.file) })),
    correlations: parseYaml(await readFile(CORRELATIONS_FILE, 'utf8')) as unknown,
  };
  const { mkdir, rename, writeFile } = await import('node:fs/promises');
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(compiled));
  await rename(tmp, out);
  compiledCache.delete(out);
  return { file: out, rules: rules.length };
}
