// The work the pool runs in worker threads: per image (background removal), and per image type for the
// steps whose modules work on a whole folder (alignment, make_input), so that types run side by side.
// Nothing here may import OpenCV at load time (see pool.ts): alignment is imported lazily.
// Inputs and results are plain data: they cross threads by structured clone, typed arrays by transfer.
import sharp from 'sharp';
import { readImage, writePng } from '../../image/image.ts';
import { removeBackground } from '../background/index.ts';
import type { RemoveBackgroundOptions } from '../background/options.ts';
import type { AlignmentOptions } from '../align/options.ts';
import { buildDataset, surveyCropBox, type BuildDatasetParams } from '../features/dataset.ts';
import type { PreprocessorOptions } from '../features/options.ts';
import type { OnProgress } from './pool.ts';

// Parallelism comes from the workers: one libvips thread each keeps them from fighting over the cores.
sharp.concurrency(1);

export const tasks = {
  /** Reads `file`, removes its background and writes the RGBA PNG to `outFile`; returns the part's share of the image. */
  async removeBackground(input: { file: string; outFile: string; options: RemoveBackgroundOptions }, _progress?: OnProgress) {
    const image = await readImage(input.file, 3);
    const { rgba, mask } = await removeBackground(image, input.options);
    await writePng(input.outFile, rgba);
    let part = 0;
    for (const v of mask) if (v) part++;
    return { width: image.width, height: image.height, foreground: part / mask.length };
  },

  /** Aligns `files` to `referenceFile` into `outDir` (trainer/pipeline/align/folder.ts). Run it on the OpenCV lane:
   *  the module loads OpenCV, so it is imported here, on first use, and by that worker only. */
  async alignFolder(input: { files: string[]; referenceFile: string; outDir: string; options: AlignmentOptions }, progress?: OnProgress) {
    const { alignFolder } = await import('../align/folder.ts');
    return alignFolder(input.files, input.referenceFile, input.outDir, input.options, progress);
  },

  /** make_input for one type folder: out.npz and metadata/preprocessing.yaml (trainer/pipeline/features/dataset.ts). */
  buildDataset(input: Omit<BuildDatasetParams, 'onProgress'>, progress?: OnProgress) {
    return buildDataset({ ...input, onProgress: progress });
  },

  /** Pass 1 of make_input alone: a type folder's image size and crop box (one-hot mode needs every type's first). */
  surveyCropBox(input: { inputDir: string; options: PreprocessorOptions }) {
    return surveyCropBox(input.inputDir, input.options);
  },
};

export type Tasks = typeof tasks;
