export { analyze, type AnalyzeOptions, type Analysis } from './analyze.js';
export { InputError } from './bundle/ingest.js';
export type { Finding, Diagnostic, BundleFacts, Severity, FindingClass } from './model.js';
export type { Report, ReportModel } from './report/model.js';
export { PARSERS, parserById } from './parsers/registry.js';
export { parseText } from './parsers/collect.js';
export { loadRules } from './rules/loader.js';
export { VERSION } from './version.js';
