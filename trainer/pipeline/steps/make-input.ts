// Step 3 for one image type: make_input (trainer/pipeline/features/dataset.ts, run in a worker) over a folder
// that holds exactly this run's images. The dataset is written whole or not at all.
import { basename, join } from 'node:path';
import type { CropBox } from '../features/crop-box.ts';
import type { DatasetResult } from '../features/dataset.ts';
import type { PreprocessorOptions } from '../features/options.ts';
import type { StepReport } from '../report.ts';
import type { WorkerPool } from '../workers/pool.ts';
import { keptOf, reasonFor, type StepImage, type StepOutput } from './outcome.ts';

export interface MakeInputParams {
  inputDir: string;
  /** out/<component>/<type>: the dataset file and metadata/. */
  outDir: string;
  type: string;
  options: PreprocessorOptions;
  /** One-hot mode: every type of the component, in label order. */
  oneHotTypes?: string[];
  /** The images of `inputDir` with the input each came from (preprocess); the files themselves otherwise. */
  images?: readonly StepImage[];
  /** Validation: the training set's crop box, re-centred on each image (see buildDataset). */
  cropBox?: CropBox;
  /** Training, one-hot mode: the box of the size shared by every type (see buildDataset). */
  fixedCropBox?: CropBox;
}

export interface MakeInputOutput extends StepOutput {
  dataset: DatasetResult;
}

export async function makeInput(params: MakeInputParams, pool: WorkerPool, report: StepReport): Promise<MakeInputOutput> {
  const { inputDir, outDir, type, options, oneHotTypes, cropBox, fixedCropBox } = params;
  const dataset = await pool.run('buildDataset', { inputDir, outDir, type, options, ...(oneHotTypes ? { oneHotTypes } : {}), ...(cropBox ? { cropBox } : {}), ...(fixedCropBox ? { fixedCropBox } : {}) }, { onProgress: (done, total) => report.progress(done, total) });
  const sourceOf = new Map((params.images ?? []).map((i) => [basename(i.file), i.source]));
  const source = (name: string) => sourceOf.get(name) ?? join(inputDir, name);
  const { files, skipped } = dataset.metadata;
  const output: MakeInputOutput = {
    dataset,
    kept: files.map((name) => ({ source: source(name), file: join(inputDir, name) })),
    skipped: skipped.map((s) => ({ file: source(s.file), step: 'make_input', reason: reasonFor(join(inputDir, s.file), s.reason) })),
  };
  report.end(`${keptOf(files.length + skipped.length, skipped.length)} -> ${dataset.npzFile}`);
  return output;
}
