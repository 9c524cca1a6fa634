// What one `pixal train` trains on: the preprocessed type folders of a component (out/<component>/<type>/),
// grouped into training units (one per type, or one for all types in one-hot mode), each loaded and checked
// against the configuration before any run is created, with a digest that identifies its exact bytes.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { METADATA_FILE } from '../pipeline/features/dataset.ts';
import { DatasetError, loadTrainingData, type TrainingData } from '../training/dataset.ts';

/** One model's worth of data. */
export interface TrainingUnit {
  component: string;
  /** The type, or ONE_HOT_LABEL for a one-hot model of all types. */
  label: string;
  /** Type folders the data came from. */
  dirs: string[];
  data: TrainingData;
  /** sha256 over the dataset files, in folder order (first 16 hex digits, as MLflow shows digests). */
  digest: string;
}

/** Where a one-hot model's outputs go in place of a type folder. */
export const ONE_HOT_LABEL = 'one_hot';

/** The type folders of `componentDir` that hold a preprocessed dataset, sorted; `only` picks some by name. */
export async function datasetFolders(componentDir: string, only?: readonly string[]): Promise<string[]> {
  const entries = await readdir(componentDir, { withFileTypes: true });
  const found = entries
    .filter((e) => e.isDirectory() && existsSync(join(componentDir, e.name, METADATA_FILE)))
    .map((e) => e.name)
    .sort();
  if (found.length === 0) throw new DatasetError(`${componentDir}: no preprocessed type folders (none has ${METADATA_FILE}); run pixal preprocess first`);
  if (!only) return found.map((t) => join(componentDir, t));
  const unknown = only.filter((t) => !found.includes(t));
  if (unknown.length) throw new DatasetError(`--types ${unknown.join(', ')}: not a preprocessed type folder of ${componentDir} (found: ${found.join(', ')})`);
  return only.map((t) => join(componentDir, t));
}

async function digestOf(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 16);
}

/** Loads every unit of a component: per type, or one unit of all types in one-hot mode. Throws on the first bad dataset. */
export async function loadTrainingUnits(componentDir: string, config: Config, only?: readonly string[]): Promise<TrainingUnit[]> {
  const dirs = await datasetFolders(componentDir, only);
  const component = basename(componentDir);
  const oneHot = config.model_training.one_hot_encoding;
  const groups = oneHot ? [dirs] : dirs.map((d) => [d]);
  const units: TrainingUnit[] = [];
  for (const group of groups) {
    const data = await loadTrainingData(group, { preprocessor: config.preprocessing.preprocessor, oneHot });
    const files = group.map((dir, i) => join(dir, data.metadata[i]!.file_name));
    units.push({ component, label: oneHot ? ONE_HOT_LABEL : data.metadata[0]!.type, dirs: group, data, digest: await digestOf(files) });
  }
  return units;
}

/** The dataset summary stored with each run (dataset/summary.json): sizes, split and per-channel statistics. */
export function datasetSummary(unit: TrainingUnit, split: { train: number; validation: number }) {
  const { data } = unit;
  const channels = data.channels.length;
  const sums = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < data.images.length; i++) {
    const v = data.images[i]!;
    sums[i % channels]! += v;
    squares[i % channels]! += v * v;
  }
  const n = data.images.length / channels;
  let foreground = 0;
  for (const m of data.mask) foreground += m;
  const perType = new Map<string, number>();
  for (const t of data.types) perType.set(t, (perType.get(t) ?? 0) + 1);
  return {
    component: unit.component,
    label: unit.label,
    digest: unit.digest,
    folders: unit.dirs,
    images: data.count,
    images_per_type: Object.fromEntries(perType),
    split,
    shape: [data.height, data.width],
    channels: data.channels,
    foreground_fraction: foreground / data.mask.length,
    channel_stats: Object.fromEntries(
      data.channels.map((c, i) => {
        const mean = sums[i]! / n;
        return [c, { mean, std: Math.sqrt(Math.max(0, squares[i]! / n - mean * mean)) }];
      }),
    ),
  };
}
export type DatasetSummary = ReturnType<typeof datasetSummary>;
