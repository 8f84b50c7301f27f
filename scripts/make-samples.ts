/**
 * Regenerates every sample bundle in samples/ deterministically (same bytes
 * on every run): `npm run samples`. Each scenario is one file in
 * scripts/samples/ and writes a sosreport-layout directory plus, where the
 * story needs them, the loose attachments a customer would send.
 */
import { makeHealthy } from './samples/healthy.js';
import { makeCpuSteal } from './samples/cpu-steal.js';
import { makeIoErrorsHung } from './samples/io-errors-hung.js';
import { makeKvmNuma } from './samples/kvm-numa.js';
import { makeLeakSwapOom } from './samples/leak-swap-oom.js';

const SCENARIOS: Record<string, (dir: string) => void> = {
  'leak-swap-oom': makeLeakSwapOom,
  healthy: makeHealthy,
  'kvm-numa': makeKvmNuma,
  'io-errors-hung': makeIoErrorsHung,
  'cpu-steal': makeCpuSteal,
};

const only = process.argv.slice(2);
for (const [name, make] of Object.entries(SCENARIOS)) {
  if (only.length && !only.includes(name)) continue;
  make(`samples/${name}`);
  process.stdout.write(`samples/${name}\n`);
}
