import type { SourceParser } from '../types.js';

export const PERFORMANCE_PARSERS: readonly SourceParser[] = [];
