// Tiny real datasets for training tests: PNGs drawn with sharp (a lit part with a few coloured spots on a dark
// stage, varying per image) and run through the pipeline's own make_input (buildDataset).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildDataset } from '../../../trainer/pipeline/features/dataset.ts';
import { PreprocessorOptions } from '../../../trainer/pipeline/features/options.ts';
import { Random } from '../../../trainer/synth/random.ts';

export const PREPROCESSOR = PreprocessorOptions.parse({ pool_size: 2, channels: ['R', 'G', 'B'], weights: [1, 2, 1], zero_pruning: false });

/** A type folder's images: `count` images of width x height with a part covering the middle. */
async function drawImages(dir: string, count: number, width: number, height: number, seed: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const random = new Random('fixture', seed);
  for (let i = 0; i < count; i++) {
    const data = new Uint8Array(width * height * 3);
    const tint = random.int(0, 60);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const part = x >= width / 4 && x < (3 * width) / 4 && y >= height / 4 && y < (3 * height) / 4;
        const o = (y * width + x) * 3;
        data[o] = part ? 150 + tint + random.int(0, 20) : 5;
        data[o + 1] = part ? 90 + random.int(0, 20) : 5;
        data[o + 2] = part ? 40 + ((x * 7 + y * 3 + i) % 30) : 5;
      }
    }
    await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(join(dir, `img_${String(i).padStart(3, '0')}.png`));
  }
}

/** Preprocessed type folders out/<component>/<type> for `types`; one-hot labels when more than one type. */
export async function makeDatasets(options: { types?: string[]; count?: number; width?: number; height?: number; oneHot?: boolean } = {}): Promise<{ root: string; dirs: string[] }> {
  const { types = ['front'], count = 8, width = 20, height = 14 } = options;
  const root = mkdtempSync(join(tmpdir(), 'pixal-train-'));
  const dirs: string[] = [];
  for (const type of types) {
    const inputDir = join(root, 'in', type);
    await drawImages(inputDir, count, width, height, type);
    const outDir = join(root, 'out', type);
    await buildDataset({ inputDir, outDir, options: PREPROCESSOR, type, ...(options.oneHot ? { oneHotTypes: types } : {}) });
    dirs.push(outDir);
  }
  return { root, dirs };
}
