import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shownPath } from '../../src/cli/analyze.js';

describe('shownPath', () => {
  it('shows a written file relative below the working directory, absolute elsewhere ("../../tmp/out/report.json" read badly)', () => {
    expect(shownPath(path.join(process.cwd(), 'out', 'report.json'))).toBe(path.join('out', 'report.json'));
    expect(shownPath('/tmp/sosmortem-x/report.json')).toBe('/tmp/sosmortem-x/report.json');
  });
});
