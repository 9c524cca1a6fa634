// Configuration errors, and the messages that turn a zod failure into something a person can act on:
// the key's full path, what was expected, what was given, where it came from, and for typos the closest key.
import { z, type ZodIssue, type ZodTypeAny } from 'zod';

/** A configuration problem found before any work starts; `problems` holds one line per offending key. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    heading = 'invalid configuration',
  ) {
    super(problems.length === 1 ? `${heading}: ${problems[0]}` : `${heading}:\n  ${problems.join('\n  ')}`);
  }
}

/** Edit distance (insert, delete, substitute), case-insensitive so `min_score_threshold` finds `MIN_SCORE_THRESHOLD`. */
export function levenshtein(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[t.length]!;
}

/** The candidate nearest to `word`, when it is near enough to be a typo (at most a third of the word's letters, min 2). */
export function closestKey(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = levenshtein(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `preprocessing.preprocessor.channels[2]` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function formatValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Strips the wrappers that do not change a value's shape (defaults, optionals, refinements). */
function unwrap(schema: ZodTypeAny): ZodTypeAny {
  for (;;) {
    if (schema instanceof z.ZodDefault) schema = schema._def.innerType as ZodTypeAny;
    else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) schema = schema.unwrap() as ZodTypeAny;
    else if (schema instanceof z.ZodEffects) schema = schema.innerType() as ZodTypeAny;
    else return schema;
  }
}

/** The keys the schema allows in the object found at `path` (empty when the path leads to no object). */
export function keysAt(schema: ZodTypeAny, path: readonly (string | number)[]): string[] {
  let node: ZodTypeAny | undefined = unwrap(schema);
  for (const key of path) {
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, ZodTypeAny>)[String(key)];
    else if (node instanceof z.ZodArray) node = node.element as ZodTypeAny;
    else return [];
    if (!node) return [];
    node = unwrap(node);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape as object) : [];
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** What one branch of a union wanted, in a word: `"ALL"`, `array`, `one of R, G`. */
function expectation(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_literal':
      return formatValue(issue.expected);
    case 'invalid_type':
      return issue.expected;
    case 'invalid_enum_value':
      return `one of ${issue.options.join(', ')}`;
    default:
      return issue.message;
  }
}

export interface IssueContext {
  /** The whole schema, to list the keys of a section. */
  schema: ZodTypeAny;
  /** The merged configuration that failed, to quote the offending value. */
  config: unknown;
  /** Where the value at a path came from (a file, or a --set flag). */
  originOf?: (path: readonly (string | number)[]) => string | undefined;
}

/** One line per problem, each starting with the key's path. */
export function describeIssues(issues: readonly ZodIssue[], context: IssueContext): string[] {
  const lines: string[] = [];
  const from = (path: readonly (string | number)[]) => {
    const origin = context.originOf?.(path);
    return origin ? ` (from ${origin})` : '';
  };
  const got = (path: readonly (string | number)[]) => `got ${formatValue(valueAt(context.config, path))}`;
  for (const issue of issues) {
    const where = formatPath(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const valid = keysAt(context.schema, issue.path);
        for (const key of issue.keys) {
          const path = [...issue.path, key];
          const guess = closestKey(key, valid);
          const hint = guess ? `did you mean ${guess}?` : `valid keys: ${valid.join(', ')}`;
          lines.push(`${formatPath(path)}: unknown key; ${hint}${from(path)}`);
        }
        break;
      }
      case 'invalid_type':
        lines.push(
          issue.received === 'undefined'
            ? `${where}: missing; expected ${issue.expected}`
            : `${where}: expected ${issue.expected}, ${got(issue.path)}${from(issue.path)}`,
        );
        break;
      case 'invalid_enum_value':
        lines.push(`${where}: expected one of ${issue.options.join(', ')}; ${got(issue.path)}${from(issue.path)}`);
        break;
      case 'invalid_union': {
        // The branch that got deepest into the value says what is wrong; when every branch failed at the
        // value itself, list what each branch would have accepted.
        const branchIssues = issue.unionErrors.map((e) => e.issues);
        const depth = (list: ZodIssue[]) => Math.max(...list.map((i) => i.path.length));
        const deepest = branchIssues.reduce((a, b) => (depth(b) > depth(a) ? b : a));
        if (depth(deepest) > issue.path.length) lines.push(...describeIssues(deepest, context));
        else {
          const wanted = [...new Set(branchIssues.flat().map(expectation))].join(' or ');
          lines.push(`${where}: expected ${wanted}; ${got(issue.path)}${from(issue.path)}`);
        }
        break;
      }
      default:
        lines.push(`${where}: ${issue.message}; ${got(issue.path)}${from(issue.path)}`);
    }
  }
  return lines;
}
