#!/usr/bin/env node
/**
 * Part of `npm run build`: parses and checks the built-in rules once and
 * writes dist/rules.compiled.json, which runs load instead of the YAML while
 * the rule files are unchanged (see COMPILED_RULES_FILE in src/rules/loader.ts).
 */
import { compileBuiltinRules } from '../dist/rules/loader.js';

try {
  const { file, rules } = await compileBuiltinRules();
  if (process.env.npm_lifecycle_event !== 'prepare') console.log(`compiled ${rules} rules into ${file}`);
} catch (err) {
  console.error(`sosmortem build: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
