import { describe, expect, it } from 'vitest';
import { groupEpisodes, type DraftFinding } from '../../src/rules/engine.js';

/** A draft of a hung task with its window (minutes past 10:00) and score; only what grouping reads is real. */
function draft(id: string, key: string | undefined, fromMin: number, toMin: number, score: number): DraftFinding {
  const at = (m: number): string => new Date(Date.UTC(2026, 11, 7, 10, m)).toISOString();
  return {
    finding: { id, rule: 'hung-task', title: `${id} hung`, score, window: { start: at(fromMin), end: at(toMin) }, reasoning: [] as string[] },
    ...(key === undefined ? {} : { episodeKey: key }),
  } as unknown as DraftFinding;
}

const episode = { key: 'waitKind', gapSec: 60, reason: 'The same episode as {{lead}}.' };

describe('groupEpisodes', () => {
  it('chains windows a minute apart into one episode led by the best score, and starts another after a gap', () => {
    const drafts = [draft('a', 'frozen', 0, 0, 60), draft('b', 'frozen', 1, 1, 70), draft('c', 'frozen', 2, 3, 50), draft('d', 'frozen', 30, 31, 65)];
    groupEpisodes(drafts, episode);
    expect(drafts.map((d) => d.finding.sameEpisodeAs ?? [])).toEqual([['b'], [], ['b'], []]);
    expect(drafts[0]?.finding.reasoning).toEqual(['The same episode as b hung.']);
  });

  it('keeps different keys apart, and findings without a key out, however close in time', () => {
    const drafts = [draft('a', 'storage', 0, 5, 60), draft('b', 'nfs', 0, 5, 70), draft('c', undefined, 0, 5, 50), draft('d', 'storage', 4, 6, 40)];
    groupEpisodes(drafts, episode);
    expect(drafts.map((d) => d.finding.sameEpisodeAs ?? [])).toEqual([[], [], [], ['a']]);
  });

  it('leads with the earliest when scores tie', () => {
    const drafts = [draft('late', 'lock', 2, 2, 60), draft('early', 'lock', 0, 1, 60)];
    groupEpisodes(drafts, episode);
    expect(drafts.map((d) => d.finding.sameEpisodeAs ?? [])).toEqual([['early'], []]);
  });
});
