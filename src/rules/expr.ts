import jsep from 'jsep';
import { mean, quantileSorted } from 'simple-statistics';

/**
 * The small expression language rules are written in: arithmetic,
 * comparisons, && || !, member access and calls to a fixed set of functions.
 * Parsed with jsep and compiled to closures; nothing is ever eval'd, so a
 * user's rule file cannot run code.
 */

export type Value = number | string | boolean | null | undefined | Value[] | { [k: string]: Value } | ArrayLike<number>;
export type Env = Record<string, Value>;
export type Compiled = (env: Env) => Value;

export class ExprError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(`${message} in expression: ${expression}`);
    this.name = 'ExprError';
  }
}

function toNumbers(v: Value): number[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'number') return [v];
  if (typeof v === 'object' && 'length' in v && typeof (v as ArrayLike<number>).length === 'number') {
    const out: number[] = [];
    const a = v as ArrayLike<unknown>;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === 'number' && Number.isFinite(x)) out.push(x);
    }
    return out;
  }
  return [];
}

function percentile(v: Value, p: Value): number {
  const xs = toNumbers(v).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  return quantileSorted(xs, Math.min(1, Math.max(0, Number(p) / 100)));
}

export const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  max: (...a) => {
    const xs = a.flatMap(toNumbers);
    return xs.length ? xs.reduce((m, x) => (x > m ? x : m), -Infinity) : NaN;
  },
  min: (...a) => {
    const xs = a.flatMap(toNumbers);
    return xs.length ? xs.reduce((m, x) => (x < m ? x : m), Infinity) : NaN;
  },
  mean: (v) => {
    const xs = toNumbers(v);
    return xs.length ? mean(xs) : NaN;
  },
  sum: (v) => toNumbers(v).reduce((s, x) => s + x, 0),
  count: (v) => toNumbers(v).length,
  first: (v) => toNumbers(v)[0] ?? NaN,
  last: (v) => {
    const xs = toNumbers(v);
    return xs[xs.length - 1] ?? NaN;
  },
  p95: (v) => percentile(v, 95),
  percentile: (v, p) => percentile(v, p),
  /** share (0..100) of values at or above a limit */
  shareAbove: (v, limit) => {
    const xs = toNumbers(v);
    return xs.length ? (100 * xs.filter((x) => x >= Number(limit)).length) / xs.length : NaN;
  },
  abs: (x) => Math.abs(Number(x)),
  round: (x, d) => {
    const k = 10 ** Number(d ?? 0);
    return Math.round(Number(x) * k) / k;
  },
  ceil: (x) => Math.ceil(Number(x)),
  floor: (x) => Math.floor(Number(x)),
  clamp: (x, lo, hi) => Math.min(Number(hi), Math.max(Number(lo), Number(x))),
  log10: (x) => Math.log10(Number(x)),
  exists: (x) => x !== undefined && x !== null && !(typeof x === 'number' && Number.isNaN(x)),
  /** a value, or a default when it is missing */
  or: (x, d) => (x === undefined || x === null || (typeof x === 'number' && Number.isNaN(x)) ? d : x),
  num: (x) => (typeof x === 'number' ? x : Number(x)),
  str: (x) => (x === undefined || x === null ? '' : String(x)),
  contains: (s, sub) => String(s ?? '').includes(String(sub ?? '')),
  startsWith: (s, prefix) => String(s ?? '').startsWith(String(prefix ?? '')),
  /** the first n items of a list */
  head: (list, n) => listOf(list).slice(0, Math.max(0, Number(n) || 0)),
  /** numbers ascending, then strings in code-unit order, anything else after them in first-seen order (sectors listed in order; a subject's names the same in every bundle) */
  sorted: (list) => {
    const items = listOf(list);
    const nums = items.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
    const strs = items.filter((x): x is string => typeof x === 'string').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return [...nums, ...strs, ...items.filter((x) => typeof x !== 'number' && typeof x !== 'string')];
  },
  lower: (s) => String(s ?? '').toLowerCase(),
  /** the number of items of a list, whatever they hold (count() counts numbers only) */
  len: (list) => listOf(list).length,
  /** a field of every item of a list of objects (`value`, or `labels.node`) */
  pluck: (list, key) => {
    const path = String(key).split('.');
    return listOf(list).map((x) => fieldAt(x, path));
  },
  /** the numeric `value` of every item of a fact list */
  values: (list) => listOf(list).map((x) => fieldOf(x, 'value')),
  /** distinct values, in first-seen order */
  uniq: (list) => {
    // A Set, not indexOf: a disk failing for hours logs thousands of distinct sectors.
    const seen = new Set<Value>();
    for (const x of listOf(list)) if (x !== undefined && x !== null && !(typeof x === 'number' && Number.isNaN(x))) seen.add(x);
    return [...seen];
  },
  /** the first text of a list that is not empty: firstText(pluck(events, 'reason')) */
  firstText: (list) => {
    for (const x of listOf(list)) if (typeof x === 'string' && x !== '') return x;
    return '';
  },
  /** the first item of each distinct value of a field, in first-seen order: a guest's facts read from its domain XML and again from virsh dumpxml count once, uniqBy(factsNamed('vm.memoryKiB'), 'labels.domain') */
  uniqBy: (list, key) => {
    const path = String(key).split('.');
    const seen = new Set<Value>();
    const out: Value[] = [];
    for (const x of listOf(list)) {
      const k = fieldAt(x, path);
      if (k === undefined || k === null || seen.has(k)) continue;
      seen.add(k);
      out.push(x);
    }
    return out;
  },
  /** the given field of the item whose `value` (or `by`) is largest: the node with the most free memory, argmax(events, 'pid', 'rssKiB') */
  argmax: (list, key, by) => {
    let best: Value;
    let bestV = -Infinity;
    const byField = by === undefined || by === null ? 'value' : String(by);
    for (const x of listOf(list)) {
      const v = Number(fieldOf(x, byField));
      if (Number.isFinite(v) && v > bestV) {
        bestV = v;
        best = fieldOf(x, String(key));
      }
    }
    return best;
  },
  /** the value a list holds most often (on a tie, the first to reach that count), null for an empty list: mostCommon(pluck(events, 'rip')) */
  mostCommon: (list) => {
    const counts = new Map<Value, number>();
    let best: Value = null;
    let bestN = 0;
    for (const x of listOf(list)) {
      if (x === undefined || x === null) continue;
      const n = (counts.get(x) ?? 0) + 1;
      counts.set(x, n);
      if (n > bestN) {
        bestN = n;
        best = x;
      }
    }
    return best;
  },
  /** the items of a list as text, between separators: join(uniq(pluck(events, 'cpu')), ', ') */
  join: (list, sep) => listOf(list).map((x) => (x === undefined || x === null ? '' : String(x))).join(String(sep ?? ', ')),
  /** the items of a list whose field equals a value (null also matches a missing field): where(guests(), 'memoryHeld', false) */
  where: (list, key, v) => {
    const path = String(key).split('.');
    return listOf(list).filter((x) => {
      const f = fieldAt(x, path);
      return v === null || v === undefined ? f === null || f === undefined : f === v;
    });
  },
  /** how many items of a list equal a value: countOf(pluck(guests(), 'hugepages'), true) */
  countOf: (list, v) => listOf(list).filter((x) => x === v).length,
  /** how many events have a field equal to a value, a folded storm counting for all it stands for: countWhere(events, 'kind', 'buffer') */
  countWhere: (list, key, v) => {
    const path = String(key).split('.');
    let n = 0;
    for (const x of listOf(list)) {
      if (fieldAt(x, path) === v) n += repeatsOf(fieldAt(x, ['repeats']));
    }
    return n;
  },
  /** the label after the first needle that the text contains: firstMatch(stack, ['nfs', 'NFS', 'jbd2', 'the journal'], 'unknown') */
  firstMatch: (text, pairs, dflt) => {
    const t = String(text ?? '');
    const list = listOf(pairs);
    for (let i = 0; i + 1 < list.length; i += 2) if (t.includes(String(list[i]))) return list[i + 1];
    return dflt;
  },
  /** libvirt <vcpupin/> elements pinning vCPUs 0..n-1 to one cpuset, on one line so they fit a code block */
  vcpupinXml: (n, cpuset) =>
    Array.from({ length: Math.max(0, Math.min(512, Math.floor(Number(n)) || 0)) }, (_, i) => `<vcpupin vcpu='${i}' cpuset='${String(cpuset ?? '')}'/>`).join(''),
};

/** How many events one stands for: a storm folded at ingest (bundle/event-storm.ts) carries `repeats`. */
export function repeatsOf(repeats: unknown): number {
  return typeof repeats === 'number' && repeats >= 1 ? repeats : 1;
}

function listOf(v: Value): Value[] {
  return Array.isArray(v) ? v : [];
}

function fieldOf(x: Value, path: string): Value {
  return fieldAt(x, path.split('.'));
}

function fieldAt(x: Value, path: string[]): Value {
  let cur: Value = x;
  for (const k of path) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = (cur as Record<string, Value>)[k];
  }
  return cur;
}

type Node = jsep.Expression;

function compileNode(node: Node, src: string): Compiled {
  switch (node.type) {
    case 'Literal': {
      const v = (node as jsep.Literal).value as Value;
      return () => v;
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (name === 'true') return () => true;
      if (name === 'false') return () => false;
      if (name === 'null') return () => null;
      return (env) => env[name];
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      const obj = compileNode(m.object, src);
      const computed = m.computed;
      const prop = computed ? compileNode(m.property, src) : null;
      const name = computed ? '' : (m.property as jsep.Identifier).name;
      return (env) => {
        const o = obj(env);
        if (o === null || o === undefined || typeof o !== 'object') return undefined;
        const key = prop ? String(prop(env)) : name;
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') return undefined;
        return Object.prototype.hasOwnProperty.call(o, key) ? (o as Record<string, Value>)[key] : undefined;
      };
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type !== 'Identifier') throw new ExprError('only named functions can be called', src);
      const fname = (c.callee as jsep.Identifier).name;
      const fn = FUNCTIONS[fname];
      const args = c.arguments.map((a) => compileNode(a, src));
      if (!fn) {
        // Functions supplied by the environment (fact lookups) are looked up at run time.
        return (env) => {
          const f = env[fname];
          if (typeof f !== 'function') throw new ExprError(`unknown function ${fname}()`, src);
          return (f as (...a: Value[]) => Value)(...args.map((a) => a(env)));
        };
      }
      return (env) => fn(...args.map((a) => a(env)));
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const arg = compileNode(u.argument, src);
      switch (u.operator) {
        case '!':
          return (env) => !truthy(arg(env));
        case '-':
          return (env) => -Number(arg(env));
        case '+':
          return (env) => Number(arg(env));
        default:
          throw new ExprError(`operator ${u.operator} is not supported`, src);
      }
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      const l = compileNode(b.left, src);
      const r = compileNode(b.right, src);
      switch (b.operator) {
        case '+':
          return (env) => {
            const a = l(env);
            const c = r(env);
            return typeof a === 'string' || typeof c === 'string' ? `${String(a)}${String(c)}` : Number(a) + Number(c);
          };
        case '-':
          return (env) => Number(l(env)) - Number(r(env));
        case '*':
          return (env) => Number(l(env)) * Number(r(env));
        case '/':
          return (env) => Number(l(env)) / Number(r(env));
        case '%':
          return (env) => Number(l(env)) % Number(r(env));
        case '>':
          return (env) => cmp(l(env), r(env), (x, y) => x > y);
        case '>=':
          return (env) => cmp(l(env), r(env), (x, y) => x >= y);
        case '<':
          return (env) => cmp(l(env), r(env), (x, y) => x < y);
        case '<=':
          return (env) => cmp(l(env), r(env), (x, y) => x <= y);
        case '==':
        case '===':
          return (env) => l(env) === r(env);
        case '!=':
        case '!==':
          return (env) => l(env) !== r(env);
        case '&&':
          return (env) => truthy(l(env)) && truthy(r(env));
        case '||':
          return (env) => {
            const a = l(env);
            return truthy(a) ? a : r(env);
          };
        default:
          throw new ExprError(`operator ${b.operator} is not supported`, src);
      }
    }
    case 'ConditionalExpression': {
      const c = node as unknown as { test: Node; consequent: Node; alternate: Node };
      const t = compileNode(c.test, src);
      const a = compileNode(c.consequent, src);
      const b = compileNode(c.alternate, src);
      return (env) => (truthy(t(env)) ? a(env) : b(env));
    }
    case 'ArrayExpression': {
      const els = (node as jsep.ArrayExpression).elements.map((e) => (e ? compileNode(e, src) : () => null));
      return (env) => els.map((e) => e(env));
    }
    default:
      throw new ExprError(`${node.type} is not supported`, src);
  }
}

function cmp(a: Value, b: Value, op: (x: number, y: number) => boolean): boolean {
  if (a === undefined || a === null || b === undefined || b === null) return false;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return false;
  return op(x, y);
}

export function truthy(v: Value): boolean {
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return Boolean(v);
}

const cache = new Map<string, Compiled>();

export function compile(src: string | number | boolean): Compiled {
  if (typeof src !== 'string') return () => src;
  let c = cache.get(src);
  if (!c) {
    let ast: Node;
    try {
      ast = jsep(src);
    } catch (err) {
      throw new ExprError((err as Error).message, src);
    }
    c = compileNode(ast, src);
    cache.set(src, c);
  }
  return c;
}

/** Checks that an expression parses, for `rules check`. */
export function validateExpression(src: string): string | null {
  try {
    compile(src);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
