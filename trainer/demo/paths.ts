// The output layout of configs/paths.yaml with its roots moved under the demo folder (./out/ -> <dir>/out),
// so that the demo writes nowhere else and the layout below the roots stays the project's.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML, { isMap, isScalar } from 'yaml';
import { DEFAULT_PATHS_FILE, parsePaths, type PathsConfig } from '../config/paths.ts';

export function pathsUnder(dir: string, file: string = DEFAULT_PATHS_FILE): PathsConfig {
  const doc = YAML.parseDocument(readFileSync(file, 'utf8'));
  // Root entries are the top-level plain strings; the rest are {<name>: <dir>, base: *parent} mappings.
  if (isMap(doc.contents))
    for (const pair of doc.contents.items) if (isScalar(pair.value) && typeof pair.value.value === 'string') pair.value.value = resolve(dir, pair.value.value);
  return parsePaths(String(doc), file);
}
