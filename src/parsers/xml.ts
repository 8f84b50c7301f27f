import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';

let loaded: typeof FastXmlParser | undefined;

/**
 * fast-xml-parser, loaded on the first XML file. Its CommonJS build is one
 * file (~6 ms); the ESM build is ~40 modules and ~30 ms of start-up that every
 * run paid, with or without XML in the bundle.
 */
export function fastXml(): typeof FastXmlParser {
  loaded ??= createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser;
  return loaded;
}
