import type { LineParser, ParseContext, RecordSink, SourceParser } from './types.js';
import { errorMessage } from './collect.js';

/**
 * Wraps a parser so that a bug in it becomes a diagnostic on the line that
 * triggered it, and the rest of the file is still read.
 */
export function feedTextLines(parser: SourceParser, ctx: ParseContext, sink: RecordSink): LineParser {
  let lp: LineParser | null = null;
  let failures = 0;
  try {
    lp = parser.create(ctx, sink);
  } catch (err) {
    sink.diagnostic(undefined, 'error', `parser ${parser.id} could not start: ${errorMessage(err)}`);
  }
  return {
    push(line, lineNo) {
      if (!lp) return;
      try {
        lp.push(line, lineNo);
      } catch (err) {
        if (++failures <= 5) sink.diagnostic(lineNo, 'error', `parser ${parser.id} failed on this line: ${errorMessage(err)}`);
      }
    },
    end() {
      if (!lp) return;
      try {
        lp.end();
      } catch (err) {
        sink.diagnostic(undefined, 'error', `parser ${parser.id} failed at end of file: ${errorMessage(err)}`);
      }
    },
  };
}
