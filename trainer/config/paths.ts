// configs/paths.yaml: PIXAL's recursive path resolution. A root entry is a directory (`out_path: &out_path ./out/`);
// every other entry is `{<name>: <dir>, base: *parent}` and resolves to resolve(parent)/<dir>. The entry whose
// name is `component` is the component folder: the run's component (from -i) replaces its dir, and the image
// type folder is inserted right under it, so everything below lands in <root>/<component>/<type>/...
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML, { isAlias, isMap, isScalar } from 'yaml';
import { ConfigError } from './errors.ts';

export const DEFAULT_PATHS_FILE = fileURLToPath(new URL('../../configs/paths.yaml', import.meta.url));

const COMPONENT_KEY = 'component';

interface RootEntry {
  kind: 'root';
  dir: string;
}
interface ChildEntry {
  kind: 'child';
  /** The name key (`component`, `aligned_images`, ...) and its folder. */
  key: string;
  dir: string;
  /** The entry this one sits in, by entry name. */
  base: string;
}
type PathEntry = RootEntry | ChildEntry;

export interface PathContext {
  /** Replaces the component entry's folder (PIXAL takes it from the -i folder's name). */
  component?: string;
  /** Image type folder, inserted under the component. */
  type?: string;
}

/** Where one image type's outputs go, for training (`out/`) or validation (`validate/`). */
export interface TypeOutputs {
  /** out.npz */
  root: string;
  backgroundRemoved: string;
  aligned: string;
  alignedMetrics: string;
  metadata: string;
  logs: string;
}

const OUTPUT_ENTRIES = {
  root: 'component_model_path',
  backgroundRemoved: 'remove_background_path',
  aligned: 'aligned_images_path',
  alignedMetrics: 'aligned_metrics_path',
  metadata: 'metadata_path',
  logs: 'log_path',
} as const satisfies Record<keyof TypeOutputs, string>;

function entryNameOf(side: 'train' | 'validate', key: keyof TypeOutputs): string {
  if (side === 'train') return OUTPUT_ENTRIES[key];
  return key === 'root' ? 'component_validate_path' : `validate_${OUTPUT_ENTRIES[key]}`;
}

export class PathsConfig {
  constructor(
    readonly file: string,
    private readonly entries: ReadonlyMap<string, PathEntry>,
  ) {}

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The directory of an entry, relative to the working directory when its root is relative. */
  resolve(name: string, context: PathContext = {}): string {
    const parts: string[] = [];
    let entry = this.entries.get(name);
    if (!entry) throw new ConfigError([`${this.file}: no entry '${name}'`], 'invalid paths file');
    while (entry.kind === 'child') {
      if (entry.key === COMPONENT_KEY) {
        if (context.type !== undefined) parts.unshift(context.type);
        parts.unshift(context.component ?? entry.dir);
      } else parts.unshift(entry.dir);
      entry = this.entries.get(entry.base)!;
    }
    return normalize(join(entry.dir, ...parts));
  }

  /** The same layout with one root entry moved elsewhere (a sweep keeps each preprocessing variant under its own). */
  withRoot(name: string, dir: string): PathsConfig {
    if (this.entries.get(name)?.kind !== 'root') throw new ConfigError([`${this.file}: '${name}' is not a root entry`], 'invalid paths file');
    return new PathsConfig(this.file, new Map([...this.entries, [name, { kind: 'root', dir }]]));
  }

  /** Checks that the entries a command needs are there, before it starts. */
  require(names: readonly string[], command: string): void {
    const missing = names.filter((n) => !this.entries.has(n));
    if (missing.length) throw new ConfigError(missing.map((n) => `${this.file}: missing entry '${n}' (needed by ${command})`), 'invalid paths file');
  }

  outputs(side: 'train' | 'validate', component: string, type: string): TypeOutputs {
    const keys = Object.keys(OUTPUT_ENTRIES) as (keyof TypeOutputs)[];
    this.require(keys.map((k) => entryNameOf(side, k)), side === 'train' ? 'preprocess' : 'validate');
    return Object.fromEntries(keys.map((k) => [k, this.resolve(entryNameOf(side, k), { component, type })])) as unknown as TypeOutputs;
  }
}

/** Parses paths.yaml from its syntax tree, so that `base: *anchor` is known by name (and cycles can be found). */
export function parsePaths(text: string, file: string): PathsConfig {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) throw new ConfigError(doc.errors.map((e) => `${file}: ${e.message.split('\n')[0]}`), 'invalid paths file');
  if (!isMap(doc.contents)) throw new ConfigError([`${file}: expected a mapping of path entries`], 'invalid paths file');
  const problems: string[] = [];
  const anchors = new Map<string, string>();
  const raw: { name: string; node: unknown }[] = [];
  for (const pair of doc.contents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const node = pair.value as { anchor?: string } | null;
    if (node?.anchor) anchors.set(node.anchor, name);
    raw.push({ name, node });
  }

  const entries = new Map<string, PathEntry>();
  for (const { name, node } of raw) {
    if (isScalar(node) && typeof node.value === 'string') {
      entries.set(name, { kind: 'root', dir: node.value });
      continue;
    }
    if (!isMap(node)) {
      problems.push(`${name}: expected a directory or {<name>: <dir>, base: *<entry>}`);
      continue;
    }
    let base: string | undefined;
    const dirs: [string, unknown][] = [];
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
      if (key !== 'base') dirs.push([key, isScalar(item.value) ? item.value.value : item.value]);
      else if (isAlias(item.value)) {
        base = anchors.get(item.value.source);
        if (!base) problems.push(`${name}.base: *${item.value.source} names no anchor in this file`);
      } else if (isScalar(item.value) && typeof item.value.value === 'string') {
        const named = item.value.value;
        base = raw.some((r) => r.name === named) ? named : anchors.get(named);
        if (!base) problems.push(`${name}.base: '${named}' names no entry in this file`);
      } else problems.push(`${name}.base: expected *<anchor> or an entry name`);
    }
    if (!node.items.some((i) => isScalar(i.key) && i.key.value === 'base')) problems.push(`${name}: has no base`);
    if (dirs.length !== 1 || typeof dirs[0]![1] !== 'string' || dirs[0]![1] === '') {
      problems.push(`${name}: expected exactly one '<name>: <dir>' beside base, got ${dirs.map(([k]) => k).join(', ') || 'none'}`);
    } else if (base) entries.set(name, { kind: 'child', key: dirs[0]![0], dir: dirs[0]![1] as string, base });
  }

  // Every chain must end at a root: report each cycle once, naming its members in order.
  const reported = new Set<string>();
  for (const name of entries.keys()) {
    const chain: string[] = [];
    let current: string | undefined = name;
    while (current !== undefined) {
      const seenAt = chain.indexOf(current);
      if (seenAt >= 0) {
        const cycle = chain.slice(seenAt);
        if (!cycle.some((c) => reported.has(c))) problems.push(`cycle in base chain: ${[...cycle, current].join(' -> ')}`);
        cycle.forEach((c) => reported.add(c));
        break;
      }
      chain.push(current);
      const entry = entries.get(current);
      current = entry?.kind === 'child' ? entry.base : undefined;
    }
  }
  if (problems.length) throw new ConfigError(problems.map((p) => `${file}: ${p}`), 'invalid paths file');
  return new PathsConfig(file, entries);
}

export function loadPaths(file: string = DEFAULT_PATHS_FILE): PathsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`], 'invalid paths file');
  }
  return parsePaths(text, file);
}
