// Loads the run configuration: configs/parameters.yaml, then each `-c FILE` merged over it in order, then each
// `--set section.key=value` in order; the merged result is validated as a whole before any work starts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { Config } from './schema.ts';
import { ConfigError, describeIssues } from './errors.ts';

export const DEFAULT_PARAMETERS_FILE = fileURLToPath(new URL('../../configs/parameters.yaml', import.meta.url));

export interface ConfigSources {
  /** The base file; configs/parameters.yaml of this checkout when absent. */
  base?: string;
  /** Extra files merged over the base, later ones win (`-c FILE`). */
  files?: readonly string[];
  /** `section.key=value` overrides applied last, in order (`--set`). */
  sets?: readonly string[];
}

type Tree = Record<string, unknown>;
type Path = readonly (string | number)[];

export interface Override {
  path: string[];
  value: unknown;
}

const isTree = (v: unknown): v is Tree => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses `section.key=value`; the value is read as YAML, so `4`, `true`, `1e-4`, `[R, G]` and `ALL` all mean what they say. */
export function parseSet(expression: string): Override {
  const eq = expression.indexOf('=');
  const flag = `--set ${expression}`;
  if (eq < 0) throw new ConfigError([`${flag}: expected section.key=value`], 'invalid flag');
  const path = expression.slice(0, eq).trim().split('.');
  if (path.some((p) => p === '')) throw new ConfigError([`${flag}: '${expression.slice(0, eq)}' is not a dotted key path like preprocessing.preprocessor.pool_size`], 'invalid flag');
  const text = expression.slice(eq + 1);
  try {
    return { path, value: YAML.parse(text) as unknown };
  } catch (err) {
    throw new ConfigError([`${flag}: value '${text}' is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`], 'invalid flag');
  }
}

/** Reads a YAML file that must hold a mapping (an empty file is an empty mapping). */
export function readYamlTree(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`], 'invalid configuration file');
  }
  let value: unknown;
  try {
    value = YAML.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError([`${file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`], 'invalid configuration file');
  }
  if (value === null || value === undefined) return {};
  if (!isTree(value)) throw new ConfigError([`${file}: expected a mapping of sections at the top level`], 'invalid configuration file');
  return value;
}

/** Merged layers plus, for every key a layer set, which layer set it last (for error messages). */
class Layers {
  readonly tree: Tree = {};
  private readonly origins = new Map<string, string>();

  mergeTree(source: Tree, origin: string, into: Tree = this.tree, prefix: string[] = []): void {
    for (const [key, value] of Object.entries(source)) {
      const path = [...prefix, key];
      const current = into[key];
      if (isTree(value) && isTree(current)) this.mergeTree(value, origin, current, path);
      else {
        into[key] = value;
        this.origins.set(path.join('.'), origin);
      }
    }
  }

  set({ path, value }: Override, origin: string): void {
    let node = this.tree;
    for (const key of path.slice(0, -1)) {
      if (!isTree(node[key])) node[key] = {};
      node = node[key] as Tree;
    }
    node[path[path.length - 1]!] = value;
    this.origins.set(path.join('.'), origin);
  }

  originOf = (path: Path): string | undefined => {
    const keys = path.map(String);
    for (let n = keys.length; n > 0; n--) {
      const origin = this.origins.get(keys.slice(0, n).join('.'));
      if (origin) return origin;
    }
    // A whole section that only exists because a layer set keys inside it (e.g. an unknown section).
    const prefix = `${keys.join('.')}.`;
    for (const [key, origin] of this.origins) if (key.startsWith(prefix)) return origin;
    return undefined;
  };
}

/** Validates a merged tree; every problem is reported at once, each naming its key. */
export function validateConfig(tree: unknown, originOf?: (path: Path) => string | undefined): Config {
  const result = Config.safeParse(tree);
  if (result.success) return result.data;
  throw new ConfigError(describeIssues(result.error.issues, { schema: Config, config: tree, originOf }));
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const overrides = (sources.sets ?? []).map((s) => ({ text: s, override: parseSet(s) }));
  const layers = new Layers();
  const base = sources.base ?? DEFAULT_PARAMETERS_FILE;
  layers.mergeTree(readYamlTree(base), base);
  for (const file of sources.files ?? []) layers.mergeTree(readYamlTree(file), file);
  for (const { text, override } of overrides) layers.set(override, `--set ${text}`);
  return validateConfig(layers.tree, layers.originOf);
}
