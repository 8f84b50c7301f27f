import type { SourceParser } from '../types.js';

export const LOGS_PARSERS: readonly SourceParser[] = [];
