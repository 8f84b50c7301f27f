// Runs one analysis in its own process and prints its peak memory, so a test
// can hold the documented memory cap against real hostile inputs.
import { analyze } from '../../src/analyze.js';
import { writeReports } from '../../src/report/write.js';

const [input, out, maxTotal] = process.argv.slice(2) as [string, string, string | undefined];
const { model } = await analyze([input], maxTotal ? { maxTotalBytes: Number(maxTotal) } : {});
await writeReports(model, out, ['json', 'md'], { force: true });
const r = model.report;
process.stdout.write(
  JSON.stringify({
    maxRssKiB: process.resourceUsage().maxRSS,
    files: r.coverage.flatMap((c) => c.files),
    diagnostics: r.diagnostics.map((d) => `${d.source}: ${d.message}`),
  }),
);
