// Training datasets: out/<component>/<type>/<file_name> (written by make_input) and its
// metadata/preprocessing.yaml, checked against each other and against the configuration before any training,
// so that a stale dataset, a broken file or a config change is a clear error naming the file and the field.
import { join } from 'node:path';
import { METADATA_FILE } from '../pipeline/features/dataset.ts';
import { readPreprocessingMetadata, type PreprocessingMetadata } from '../pipeline/features/metadata.ts';
import { resolveChannels, type PreprocessorOptions } from '../pipeline/features/options.ts';
import { readNpz, type NpyValue } from './npz.ts';

export class DatasetError extends Error {}

/** One or more types' images, ready for training: N images of P = H'·W' pixels and C channels. */
export interface TrainingData {
  height: number;
  width: number;
  channels: string[];
  count: number;
  /** (N, P, C) row-major, values in the pipeline's normalised units. */
  images: Float32Array;
  /** (N, P) foreground fraction of each pixel. */
  mask: Float32Array;
  /** One-hot mode: (N, T) labels, columns in `labelTypes` order. */
  labels?: Float32Array;
  labelTypes?: string[];
  /** Per image: its type and its source file. */
  types: string[];
  files: string[];
  /** Per type folder: its metadata (for the run's artifacts and for validation). */
  metadata: PreprocessingMetadata[];
}

interface TypeDataset {
  npz: string;
  metadata: PreprocessingMetadata;
  count: number;
  images: Float32Array;
  mask: Float32Array;
  labels?: Float32Array;
  files: string[];
}

/** Reads one type folder and checks the .npz against its own metadata. */
export async function readTypeDataset(dir: string): Promise<TypeDataset> {
  const metadataFile = join(dir, METADATA_FILE);
  const metadata = await readPreprocessingMetadata(metadataFile).catch((err: unknown) => {
    throw new DatasetError(`${dir}: no readable dataset metadata: ${err instanceof Error ? err.message : String(err)} (run pixal preprocess first)`);
  });
  const npz = join(dir, metadata.file_name);
  const arrays = await readNpz(npz).catch((err: unknown) => {
    throw new DatasetError(err instanceof Error ? err.message : String(err));
  });
  const fail = (message: string): never => {
    throw new DatasetError(`${npz}: ${message}`);
  };
  const array = <D extends NpyValue['dtype']>(name: string, dtype: D): Extract<NpyValue, { dtype: D }> => {
    const value = arrays[name];
    if (!value) return fail(`has no "${name}" array (arrays: ${Object.keys(arrays).join(', ') || 'none'})`);
    if (value.dtype !== dtype) return fail(`"${name}" is ${value.dtype}, expected ${dtype}`);
    return value as Extract<NpyValue, { dtype: D }>;
  };

  const data = array('data', 'float32');
  if (data.shape.length !== 3) fail(`"data" has shape (${data.shape.join(', ')}), expected (images, pixels, channels)`);
  const [count, pixels, channels] = data.shape as [number, number, number];
  if (count === 0) fail('empty dataset: "data" holds no images');
  const [height, width] = metadata.shape;
  const shape = array('shape', 'int64');
  if (shape.data.length !== 2 || Number(shape.data[0]) !== height || Number(shape.data[1]) !== width) {
    fail(`"shape" is (${[...shape.data].join(', ')}) but ${METADATA_FILE} says shape (${height}, ${width})`);
  }
  if (pixels !== height * width) fail(`"data" has ${pixels} pixels per image, but shape ${height}x${width} makes ${height * width}`);
  if (channels !== metadata.channels.length) {
    fail(`"data" has ${channels} channels, but ${METADATA_FILE} lists ${metadata.channels.length} (${metadata.channels.join(', ')})`);
  }
  const mask = array('mask', 'float32');
  if (mask.shape.join() !== [count, pixels].join()) fail(`"mask" has shape (${mask.shape.join(', ')}), expected (${count}, ${pixels})`);
  const files = arrays.files?.dtype === 'unicode' ? arrays.files.data : metadata.files;
  if (files.length !== count) fail(`${count} images but ${files.length} file names`);

  let labels: Float32Array | undefined;
  if (arrays.labels) {
    const types = metadata.one_hot_types ?? fail(`has "labels" but ${METADATA_FILE} lists no one_hot_types`);
    const raw = arrays.labels;
    if (raw.dtype !== 'float32' || raw.shape.join() !== [count, types.length].join()) {
      fail(`"labels" is ${raw.dtype} (${raw.shape.join(', ')}), expected float32 (${count}, ${types.length}) for types ${types.join(', ')}`);
    }
    labels = raw.data as Float32Array;
  }

  checkFinite(npz, 'data', data.data, (i) => {
    const image = Math.floor(i / (pixels * channels));
    const pixel = Math.floor(i / channels) % pixels;
    return `image ${image} (${files[image]}), pixel y=${Math.floor(pixel / width)} x=${pixel % width}, channel ${metadata.channels[i % channels]}`;
  });
  checkFinite(npz, 'mask', mask.data, (i) => `image ${Math.floor(i / pixels)} (${files[Math.floor(i / pixels)]})`);
  return { npz, metadata, count, images: data.data, mask: mask.data, labels, files };
}

function checkFinite(file: string, name: string, values: Float32Array, where: (index: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new DatasetError(`${file}: "${name}" holds ${values[i]} at ${where(i)}; the dataset must be finite (re-run make_input)`);
  }
}

export interface LoadOptions {
  /** The configuration's preprocessing.preprocessor section: the dataset must have been made with it. */
  preprocessor: PreprocessorOptions;
  /** model_training.one_hot_encoding: several types in one model, labelled; otherwise exactly one type folder. */
  oneHot: boolean;
}

/** Loads the type folders for one training run and checks them against the configuration. */
export async function loadTrainingData(dirs: readonly string[], options: LoadOptions): Promise<TrainingData> {
  if (dirs.length === 0) throw new DatasetError('no dataset folder given');
  if (!options.oneHot && dirs.length > 1) {
    throw new DatasetError(`${dirs.length} type folders given without model_training.one_hot_encoding: per-type mode trains one model per folder`);
  }
  const parts: TypeDataset[] = [];
  for (const dir of dirs) parts.push(await readTypeDataset(dir));

  const expected = resolveChannels(options.preprocessor.channels);
  for (const { npz, metadata } of parts) {
    if (metadata.channels.join() !== expected.join()) {
      throw new DatasetError(
        `${npz}: made with channels [${metadata.channels.join(', ')}] but preprocessing.preprocessor.channels is [${expected.join(', ')}]; re-run pixal preprocess`,
      );
    }
    if (metadata.pool_size !== options.preprocessor.pool_size) {
      throw new DatasetError(`${npz}: made with pool_size ${metadata.pool_size} but preprocessing.preprocessor.pool_size is ${options.preprocessor.pool_size}; re-run pixal preprocess`);
    }
  }
  const first = parts[0]!;
  const [height, width] = first.metadata.shape;
  for (const { npz, metadata } of parts.slice(1)) {
    if (metadata.shape.join() !== first.metadata.shape.join()) {
      throw new DatasetError(`${npz}: shape ${metadata.shape.join('x')} differs from ${first.metadata.shape.join('x')} of ${first.npz}; one model needs one input size`);
    }
  }

  let labelTypes: string[] | undefined;
  if (options.oneHot) {
    labelTypes = first.metadata.one_hot_types;
    for (const { npz, metadata, labels } of parts) {
      if (!labels || !metadata.one_hot_types) {
        throw new DatasetError(`${npz}: no one-hot "labels" although model_training.one_hot_encoding is true; re-run pixal preprocess with it`);
      }
      if (metadata.one_hot_types.join() !== labelTypes!.join()) {
        throw new DatasetError(`${npz}: one_hot_types [${metadata.one_hot_types.join(', ')}] differ from [${labelTypes!.join(', ')}] of ${first.npz}`);
      }
    }
  }

  const concat = (arrays: Float32Array[]): Float32Array => {
    if (arrays.length === 1) return arrays[0]!;
    const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    let offset = 0;
    for (const a of arrays) {
      out.set(a, offset);
      offset += a.length;
    }
    return out;
  };
  return {
    height,
    width,
    channels: [...first.metadata.channels],
    count: parts.reduce((n, p) => n + p.count, 0),
    images: concat(parts.map((p) => p.images)),
    mask: concat(parts.map((p) => p.mask)),
    ...(labelTypes ? { labels: concat(parts.map((p) => p.labels!)), labelTypes } : {}),
    types: parts.flatMap((p) => p.files.map(() => p.metadata.type)),
    files: parts.flatMap((p) => p.files),
    metadata: parts.map((p) => p.metadata),
  };
}
