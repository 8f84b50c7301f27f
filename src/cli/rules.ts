import type { Command } from 'commander';
import { checkName } from '../rules/engine.js';
import { loadRuleCases, loadRules } from '../rules/loader.js';
import { UsageError } from './main.js';

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('list, check and explain detection rules');
  rules
    .command('list')
    .description('list the rules with their class and thresholds')
    .option('--rules <dir...>', 'extra rule directories')
    .action(async (flags: { rules?: string[] }) => {
      const { rules: list, errors } = await loadRules(flags.rules ?? [], true, { validateBuiltin: false });
      for (const r of list) process.stdout.write(`${r.id.padEnd(28)} ${r.class.padEnd(22)} ${checkName(r)}\n`);
      for (const e of errors) process.stderr.write(`error: ${e.message}\n`);
      if (errors.length) process.exitCode = 2;
    });
  rules
    .command('check')
    .description('validate rule files (schema, expressions, thresholds, test cases)')
    .argument('[dir]', 'a rules directory (default: the built-in rules)')
    .action(async (dir: string | undefined) => {
      const { rules: list, errors } = dir ? await loadRules([dir], false) : await loadRules();
      for (const e of errors) process.stderr.write(`${e.message}\n`);
      let missingCases = 0;
      for (const r of list) {
        const cases = await loadRuleCases(r);
        if (!cases || cases.length === 0) {
          missingCases++;
          process.stderr.write(`${r.file}: no test cases (${r.id}.cases.yaml)\n`);
        } else if (!cases.some((c) => c.expect.fires) || !cases.some((c) => !c.expect.fires)) {
          missingCases++;
          process.stderr.write(`${r.file}: needs at least one case that fires and one that must not\n`);
        }
      }
      process.stdout.write(`${list.length} rules valid, ${errors.length} invalid, ${missingCases} without complete cases\n`);
      if (errors.length || missingCases) process.exitCode = 2;
    });
  rules
    .command('explain')
    .description('show what a rule looks for, its thresholds with reasons and sources, and its remediation')
    .argument('<id>')
    .option('--rules <dir...>', 'extra rule directories')
    .action(async (id: string, flags: { rules?: string[] }) => {
      const { rules: list } = await loadRules(flags.rules ?? [], true, { validateBuiltin: false });
      const r = list.find((x) => x.id === id);
      if (!r) throw new UsageError(`no rule "${id}"`, 'sosmortem rules list shows the ids');
      const lines = [
        `${r.id} (${r.class}) — ${r.file}`,
        checkName(r),
        '',
        r.description.trim(),
        '',
        `Needs: ${r.requires.join(', ')}`,
        `Detection: ${r.detect.kind}`,
        '',
        'Thresholds:',
        ...Object.entries(r.thresholds).map(([k, t]) => `  ${k} = ${t.value}${t.unit ? ` ${t.unit}` : ''}\n      why: ${t.reason}${t.ref ? `\n      source: ${t.ref}` : ''}`),
        '',
        'Severity:',
        ...r.severity.map((s) => `  ${s.level.padEnd(8)} when ${s.when}`),
        '',
        'Remediation:',
        ...r.remediation.map((m) => `  - ${m.action}`),
        '',
        'References:',
        ...r.references.map((x) => `  - ${x}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
