// MLflow's filter errors name the offending text but not where it is. We find it in the filter to
// underline it, and add the one-line fix for the mistakes people actually make.

export interface FilterProblem {
  message: string;
  /** [start, end) of the offending text in the filter, when it can be found. */
  span?: [number, number];
  hint?: string;
}

const HINTS: [RegExp, string][] = [
  [/not quoted|quoted string value/i, `String values need quotes: params.channels = 'RGB'`],
  [/Invalid entity type/i, 'Keys start with metrics., params., tags., attributes. or datasets.'],
  [/numeric value type for metric/i, 'Metric values are numbers: metrics.val_loss < 0.1'],
  [/multiple expression/i, `Join comparisons with AND, not ';'`],
  [/Invalid attribute key/i, 'Attributes are run_id, run_name, status, start_time, end_time, user_id, artifact_uri.'],
  [/list of values can only follow|IN or NOT IN/i, `Lists go with IN: params.pool IN ('2', '4')`],
  [/Invalid clause|Could not be parsed|Error on parsing|Invalid comparison/i, `Write comparisons joined by AND (no OR, no parentheses): metrics.auc > 0.9 and params.pool = '2'`],
];

/** Text the message quotes or names after "Found"/"Got value"/"string value", in order of appearance. */
function fragments(message: string): string[] {
  const found: { at: number; text: string }[] = [];
  for (const m of message.matchAll(/'([^']+)'/g)) found.push({ at: m.index, text: m[1]! });
  for (const m of message.matchAll(/(?:Found|Got value|string value)\s+(\S+?)(?:[.,]?\s|[.,]?$)/g)) found.push({ at: m.index, text: m[1]! });
  return found.sort((a, b) => a.at - b.at).map((f) => f.text);
}

export function presentFilterError(filter: string, message: string): FilterProblem {
  const hint = HINTS.find(([pattern]) => pattern.test(message))?.[1];
  for (const fragment of fragments(message)) {
    // A message quoting the whole filter ("Could not be parsed") points nowhere in particular.
    if (fragment.trim() === filter.trim()) continue;
    const at = filter.indexOf(fragment);
    if (at >= 0) return { message, span: [at, at + fragment.length], hint };
  }
  return { message, hint };
}

export interface KnownKeys {
  params: readonly string[];
  metrics: readonly string[];
  tags: readonly string[];
}

const ENTITY: Record<string, keyof KnownKeys> = { param: 'params', params: 'params', metric: 'metrics', metrics: 'metrics', tag: 'tags', tags: 'tags' };

/**
 * Keys a valid filter names that no loaded run has: MLflow silently matches nothing for them, which looks
 * like "no runs" — we say which key is unknown and suggest the closest one.
 */
export function unknownKeyWarnings(filter: string, known: KnownKeys): string[] {
  const warnings: string[] = [];
  for (const m of filter.matchAll(/(?<![\w.])(params?|metrics?|tags?)\.(`[^`]+`|"[^"]+"|[\w./-]+?)(?=\s*(?:!=|>=|<=|=|<|>|\s|$|\)|(?:not\s+)?(?:i?like|in|is)\b))/gi)) {
    const kind = ENTITY[m[1]!.toLowerCase()]!;
    const key = m[2]!.replace(/^[`"](.*)[`"]$/, '$1');
    if (known[kind].includes(key)) continue;
    const close = closest(key, known[kind]);
    warnings.push(`No loaded run has ${kind.slice(0, -1)} '${key}'${close ? ` — did you mean '${close}'?` : ''}`);
  }
  return warnings;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length]!;
}
