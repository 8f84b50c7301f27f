import type { ReportModel } from './model.js';
import { actionItems, dataGaps, formatTime, formatWindow, rankFindings, verdict, zoneOf } from './format.js';

export interface TerminalSummaryOptions {
  /** the most problems listed; the rest are counted */
  maxFindings?: number;
  /** the most actions listed */
  maxActions?: number;
}

/**
 * What `analyze` prints once the report is written: the verdict, the ranked problems and the first
 * actions, so that a bundle can be triaged from the terminal and the report opened when it is worth it.
 * Findings that are the same episode as another (sameEpisodeAs) are counted, not listed: they are not
 * problems of their own.
 */
export function terminalSummary(model: ReportModel, { maxFindings = 5, maxActions = 3 }: TerminalSummaryOptions = {}): string[] {
  const zone = zoneOf(model);
  const b = model.report.bundle;
  const ranked = rankFindings(model.report.findings);
  const problems = ranked.filter((f) => !f.sameEpisodeAs?.length);
  const followers = ranked.length - problems.length;
  const collected = b.collectedAt ? `, collected ${formatTime(zone, b.collectedAt)}${b.timezone ? ` (${b.timezone})` : ''}` : '';
  const lines = [
    `sosmortem: ${b.hostname ?? 'unknown host'}${collected}: ${problems.length} problem${problems.length === 1 ? '' : 's'}` +
      (followers > 0 ? ` (and ${followers} finding${followers === 1 ? '' : 's'} of an episode already counted)` : ''),
    `  ${verdict(model).line}`,
  ];
  if (problems.length > 0) {
    const sevWidth = Math.max(...problems.slice(0, maxFindings).map((f) => f.severity.length));
    problems.slice(0, maxFindings).forEach((f, i) => {
      lines.push(`  ${String(i + 1).padStart(2)}. ${f.severity.toUpperCase().padEnd(sevWidth)}  ${f.title}  [${f.rule}, ${formatWindow(zone, f.window)}]`);
    });
    if (problems.length > maxFindings) lines.push(`      … ${problems.length - maxFindings} more in the report`);
    const actions = actionItems(model).slice(0, maxActions);
    if (actions.length > 0) {
      lines.push('  First actions:');
      for (const a of actions) lines.push(`    ${a.priority} ${a.remediation.action}`);
    }
  }
  const gaps = dataGaps(model);
  const noData = gaps.checks.filter((c) => c.status === 'no-data').length;
  const failed = gaps.checks.length - noData;
  const notes = [
    noData > 0 ? `${noData} check${noData === 1 ? '' : 's'} had no data` : '',
    failed > 0 ? `${failed} rule${failed === 1 ? '' : 's'} failed` : '',
    gaps.errors.length > 0 ? `${gaps.errors.length} file${gaps.errors.length === 1 ? '' : 's'} could not be read` : '',
  ].filter((s) => s !== '');
  // with nothing found the verdict already says how many checks had no data
  if (problems.length === 0) notes.splice(0, noData > 0 ? 1 : 0);
  if (notes.length > 0) lines.push(`  ${notes.join('; ')}: see "What the data could not show" in the report.`);
  return lines;
}
