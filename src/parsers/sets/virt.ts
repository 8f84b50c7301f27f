import type { SourceParser } from '../types.js';

export const VIRT_PARSERS: readonly SourceParser[] = [];
