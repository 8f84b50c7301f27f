import type { SourceParser } from '../types.js';

export const SYSTEM_PARSERS: readonly SourceParser[] = [];
