import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNpz, type NpyArray } from '../../../trainer/pipeline/features/npz.ts';
import { PreprocessorOptions } from '../../../trainer/pipeline/features/options.ts';
import { loadTrainingData, DatasetError } from '../../../trainer/training/dataset.ts';
import { readNpz } from '../../../trainer/training/npz.ts';
import { splitByType } from '../../../trainer/training/split.ts';
import { makeDatasets, PREPROCESSOR } from './fixture.ts';

let single: string;
let pair: string[];
beforeAll(async () => {
  [single] = (await makeDatasets({ count: 5 })).dirs as [string];
  pair = (await makeDatasets({ types: ['front', 'back'], count: 4, oneHot: true })).dirs;
});

/** A copy of a type folder whose out.npz arrays are changed by `edit`. */
async function edited(dir: string, edit: (arrays: Record<string, NpyArray>) => void): Promise<string> {
  const copy = join(mkdtempSync(join(tmpdir(), 'pixal-ds-')), 'front');
  cpSync(dir, copy, { recursive: true });
  const read = await readNpz(join(copy, 'out.npz'));
  const arrays = Object.fromEntries(Object.entries(read).map(([k, v]) => [k, { ...v, data: v.dtype === 'float32' ? Float32Array.from(v.data) : v.data }])) as Record<string, NpyArray>;
  edit(arrays);
  await writeNpz(join(copy, 'out.npz'), arrays);
  return copy;
}
const load = (dirs: string[], preprocessor = PREPROCESSOR, oneHot = false) => loadTrainingData(dirs, { preprocessor, oneHot });

describe('loadTrainingData', () => {
  it('loads a type folder made by make_input', async () => {
    const data = await load([single]);
    expect(data).toMatchObject({ height: 7, width: 10, channels: ['R', 'G', 'B'], count: 5, types: Array(5).fill('front') });
    expect(data.images.length).toBe(5 * 70 * 3);
    expect(data.mask.length).toBe(5 * 70);
    expect(data.files).toEqual(['img_000.png', 'img_001.png', 'img_002.png', 'img_003.png', 'img_004.png']);
    expect(data.labels).toBeUndefined();
  });

  it('joins the types of a component with their one-hot labels in one-hot mode', async () => {
    const data = await load(pair, PREPROCESSOR, true);
    expect(data.count).toBe(8);
    expect(data.labelTypes).toEqual(['front', 'back']);
    expect(data.types).toEqual([...Array(4).fill('front'), ...Array(4).fill('back')]);
    expect([...data.labels!.subarray(0, 2)]).toEqual([1, 0]);
    expect([...data.labels!.subarray(14, 16)]).toEqual([0, 1]);
  });

  it('stops on a dataset that disagrees with the configuration', async () => {
    const hsv = PreprocessorOptions.parse({ ...PREPROCESSOR, channels: ['H', 'S', 'V'] });
    await expect(load([single], hsv)).rejects.toThrow(
      `${join(single, 'out.npz')}: made with channels [R, G, B] but preprocessing.preprocessor.channels is [H, S, V]; re-run pixal preprocess`,
    );
    await expect(load([single], { ...PREPROCESSOR, pool_size: 4 })).rejects.toThrow(/made with pool_size 2 but preprocessing.preprocessor.pool_size is 4/);
    await expect(load(pair)).rejects.toThrow(/2 type folders given without model_training.one_hot_encoding/);
    await expect(load([single], PREPROCESSOR, true)).rejects.toThrow(/no one-hot "labels" although model_training.one_hot_encoding is true/);
  });

  it('stops on NaN or Inf, naming the image, pixel and channel', async () => {
    const dir = await edited(single, (a) => {
      (a.data!.data as Float32Array)[(2 * 70 + 13) * 3 + 1] = NaN;
    });
    const error = await load([dir]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as Error).message).toBe(
      `${join(dir, 'out.npz')}: "data" holds NaN at image 2 (img_002.png), pixel y=1 x=3, channel G; the dataset must be finite (re-run make_input)`,
    );
    const inf = await edited(single, (a) => {
      (a.mask!.data as Float32Array)[71] = Infinity;
    });
    await expect(load([inf])).rejects.toThrow(/"mask" holds Infinity at image 1 \(img_001.png\)/);
  });

  it('stops on an empty dataset, a wrong shape, missing arrays and missing metadata', async () => {
    const empty = await edited(single, (a) => {
      a.data = { dtype: 'float32', shape: [0, 70, 3], data: new Float32Array(0) };
    });
    await expect(load([empty])).rejects.toThrow(`${join(empty, 'out.npz')}: empty dataset: "data" holds no images`);
    const shape = await edited(single, (a) => {
      a.shape = { dtype: 'int64', shape: [2], data: BigInt64Array.from([10n, 7n]) };
    });
    await expect(load([shape])).rejects.toThrow(/"shape" is \(10, 7\) but metadata\/preprocessing.yaml says shape \(7, 10\)/);
    const channels = await edited(single, (a) => {
      a.data = { ...(a.data as Extract<NpyArray, { dtype: 'float32' }>), shape: [5, 105, 2] };
    });
    await expect(load([channels])).rejects.toThrow(/"data" has 105 pixels per image, but shape 7x10 makes 70/);
    const noMask = await edited(single, (a) => {
      delete a.mask;
    });
    await expect(load([noMask])).rejects.toThrow(/has no "mask" array \(arrays: data, shape, files\)/);
    const noMeta = await edited(single, () => {});
    rmSync(join(noMeta, 'metadata'), { recursive: true });
    await expect(load([noMeta])).rejects.toThrow(new RegExp(`^${noMeta}: no readable dataset metadata: .*\\(run pixal preprocess first\\)`));
    const badMeta = await edited(single, () => {});
    const yaml = join(badMeta, 'metadata', 'preprocessing.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/pool_size: 2/, 'pool_size: two'));
    await expect(load([badMeta])).rejects.toThrow(/preprocessing.yaml: pool_size: Expected number, received string/);
  });
});

describe('splitByType', () => {
  it('holds out ceil(fraction·n) images of every type, the same ones for the same seed', () => {
    const types = [...Array(10).fill('front'), ...Array(3).fill('back')];
    const split = splitByType(types, 0.2, 101);
    expect(split.validation.filter((i) => i < 10)).toHaveLength(2);
    expect(split.validation.filter((i) => i >= 10)).toHaveLength(1);
    expect([...split.train, ...split.validation].sort((a, b) => a - b)).toEqual(types.map((_, i) => i));
    expect(splitByType(types, 0.2, 101)).toEqual(split);
    expect(splitByType(types, 0.2, 102)).not.toEqual(split);
  });

  it('needs at least one image on each side', () => {
    expect(() => splitByType(['a', 'b', 'b'], 0.2, 1)).toThrow(
      'type "a" has 1 image(s): validation_split 0.2 leaves 0 for training and 1 for validation; at least one of each is needed',
    );
  });
});
