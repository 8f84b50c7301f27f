// vega-canvas for the CommonJS pack of vega (scripts/bundle-vega.mjs): the real module's
// top-level `await import('canvas')` cannot be CommonJS, and sosmortem never installs
// `canvas` (charts are SVG; text is measured by estimate), so every answer is null, as
// the real module's are without it.
export const canvas = () => null;
export const domCanvas = () => null;
export const nodeCanvas = () => null;
export const image = () => null;
