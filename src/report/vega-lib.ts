/**
 * Vega-Lite spec → SVG, the only use made of vega and vega-lite. Its own
 * module so that the build can also pack it as one script with a V8 code
 * cache (scripts/bundle-vega.mjs, loaded by vega-cache.ts).
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** Vega-Lite → Vega. Layers repeat the same x domain on purpose (every layer is clipped to the span): the merge warnings are noise. */
export function compile(spec: TopLevelSpec): { spec: object } {
  return vl.compile(spec, { logger: vega.logger(vega.None) });
}

/** Vega → SVG text, without a canvas (text is measured by estimate). */
export async function toSvg(vgSpec: object): Promise<string> {
  const view = new vega.View(vega.parse(vgSpec as vega.Spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
