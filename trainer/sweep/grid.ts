// `--grid key=v1,v2` flags and the grid points they span: the cartesian product, in flag order, the last
// flag varying fastest. Each value is read as YAML like a --set value; commas inside [...] or {...} belong to
// the value, so `--grid model_training.autoencoder_architecture=[256,64],[128,32]` has two points.
import { ConfigError } from '../config/errors.ts';
import { parseSet } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { isChannelGroup } from '../pipeline/features/channels.ts';
import { resolveChannels } from '../pipeline/features/options.ts';

export interface GridAxis {
  /** Dotted config key, e.g. preprocessing.preprocessor.channels. */
  key: string;
  /** The values as written (each a YAML text). */
  values: string[];
}

/** One point: a --set expression per axis, in axis order. */
export interface GridPoint {
  sets: string[];
  /** key → value text, for names, tags and the summary. */
  choices: Record<string, string>;
}

/** Splits on commas outside brackets and braces. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

export function parseGridFlag(flag: string): GridAxis {
  const eq = flag.indexOf('=');
  if (eq < 0) throw new ConfigError([`--grid ${flag}: expected section.key=value1,value2`], 'invalid flag');
  const key = flag.slice(0, eq).trim();
  const values = splitTopLevel(flag.slice(eq + 1));
  if (values.some((v) => v === '')) throw new ConfigError([`--grid ${flag}: empty value in the list`], 'invalid flag');
  for (const value of values) parseSet(`${key}=${value}`); // names the flag when a value is not YAML
  return { key, values };
}

export function parseGrid(flags: readonly string[]): GridAxis[] {
  if (flags.length === 0) throw new ConfigError(['--grid: give at least one, e.g. --grid preprocessing.preprocessor.channels=RGB,HSV,LAB_ab'], 'invalid flag');
  const axes = flags.map(parseGridFlag);
  const repeated = axes.map((a) => a.key).filter((k, i, all) => all.indexOf(k) !== i);
  if (repeated.length) throw new ConfigError([`--grid ${repeated[0]}: given twice; list every value in one flag`], 'invalid flag');
  return axes;
}

export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
  let points: GridPoint[] = [{ sets: [], choices: {} }];
  for (const axis of axes) {
    points = points.flatMap((p) => axis.values.map((value) => ({ sets: [...p.sets, `${axis.key}=${value}`], choices: { ...p.choices, [axis.key]: value } })));
  }
  return points;
}

const CHANNELS_KEY = 'preprocessing.preprocessor.channels';
const WEIGHTS_KEY = 'preprocessing.preprocessor.weights';

/**
 * A point that changes the channels but not the weights gets one weight per channel, all equal to the base
 * config's first weight (the configs we know weight channels equally); without it RGB after LAB_ab would fail
 * validation on the weight count.
 */
export function withFittedWeights(point: GridPoint, base: Config): GridPoint {
  const channels = point.choices[CHANNELS_KEY];
  if (channels === undefined || point.choices[WEIGHTS_KEY] !== undefined) return point;
  const value = parseSet(`${CHANNELS_KEY}=${channels}`).value;
  const valid = typeof value === 'string' ? value === 'ALL' || isChannelGroup(value) : Array.isArray(value) && value.length > 0;
  if (!valid) return point; // validation names the bad value
  const count = resolveChannels(value as Config['preprocessing']['preprocessor']['channels']).length;
  if (count === base.preprocessing.preprocessor.weights.length) return point;
  const weight = base.preprocessing.preprocessor.weights[0]!;
  return { ...point, sets: [...point.sets, `${WEIGHTS_KEY}=${JSON.stringify(Array(count).fill(weight))}`] };
}

/** `channels=RGB pool_size=2`: the point's choices by their last key segment. */
export function pointLabel(point: GridPoint): string {
  return Object.entries(point.choices)
    .map(([key, value]) => `${key.split('.').at(-1)}=${value}`)
    .join(' ');
}
