// `pixal preprocess`: every image type of a component goes through remove_bg -> align (when apply_alignment)
// -> make_input, into the layout of paths.yaml (out/<component>/<type>/...). Types run side by side on one
// worker pool; a type that fails is reported and the others go on. Each image's fate is recorded.
import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import YAML from 'yaml';
import { IMAGE_EXTENSIONS, isImageFile } from '../image/image.ts';
import type { Config } from '../config/schema.ts';
import type { PathsConfig, TypeOutputs } from '../config/paths.ts';
import type { Reporter } from './report.ts';
import { WorkerPool } from './workers/pool.ts';
import { removeBackgrounds } from './steps/remove-background.ts';
import { alignImages } from './steps/align.ts';
import { makeInput } from './steps/make-input.ts';
import type { Skipped, StepImage } from './steps/outcome.ts';
import type { DatasetResult } from './features/dataset.ts';
import { SharedCropSize } from './shared-crop-size.ts';

/** The image every other image of the type was aligned to, kept in the type's metadata folder. */
export const ALIGNMENT_REFERENCE_FILE = 'alignment_reference.png';

export interface DatasetInfo {
  file: string;
  metadataFile: string;
  images: number;
  /** Pooled (H', W'). */
  shape: [number, number];
  channels: number;
}

export interface TypeOutcome {
  type: string;
  /** Image files found in the type folder. */
  inputs: number;
  dataset?: DatasetInfo;
  skipped: Skipped[];
  /** Why the type produced no dataset. */
  error?: string;
}

export interface ComponentOutcome {
  component: string;
  types: TypeOutcome[];
}

export interface PreprocessParams {
  /** <component>/, holding one folder of images per type. */
  componentDir: string;
  /** Output component name; the folder's name by default (PIXAL's behaviour). */
  component?: string;
  config: Config;
  paths: PathsConfig;
  workers: number;
  /**
   * A pool the caller owns and closes (a sweep preprocesses several configs; OpenCV can live on one thread per
   * process only, so a second pool would crash when it aligns). Without one, a pool of `workers` is made here.
   */
  pool?: WorkerPool;
  reporter: Reporter;
  /**
   * remove_bg and align results of an earlier preprocessing of the same images with the same remove_background,
   * alignment and rename_images settings (a sweep over make_input's options): used as they are, so only make_input
   * runs. Types it lacks go through every step.
   */
  reuseImageSteps?: ReadonlyMap<string, TypeImageSteps>;
  /** Receives each type's remove_bg and align results, for a later `reuseImageSteps`. */
  onImageSteps?: (type: string, steps: TypeImageSteps) => void;
}

/** What remove_bg and align left of a type's images, ready for make_input. */
export interface TypeImageSteps {
  inputs: string[];
  names: string[];
  images: StepImage[];
  /** The folder of `images`. */
  inputDir: string;
  /** The alignment reference, when the images were aligned. */
  referenceFile?: string;
  skipped: Skipped[];
}

/** The image files of a folder, sorted by name (the order decides the reference and the <NNN> names). */
export async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isImageFile(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Base names of the outputs: `<type>_<NNN>` in input order with rename_images (PIXAL's folder-consistent
 * names), else the input's stem (with its extension appended when two inputs share a stem).
 */
export function outputNames(files: readonly string[], type: string, rename: boolean): string[] {
  if (rename) return files.map((_, i) => `${type}_${String(i).padStart(3, '0')}`);
  const stems = files.map((f) => basename(f, extname(f)));
  return stems.map((stem, i) => (stems.indexOf(stem) !== stems.lastIndexOf(stem) ? `${stem}_${extname(files[i]!).slice(1).toLowerCase()}` : stem));
}

/** The type folders of a component, sorted; none is an error (the layout is <component>/<type>/<images>). */
export async function listTypes(componentDir: string): Promise<string[]> {
  const entries = await readdir(componentDir, { withFileTypes: true });
  // A type folder is often a symbolic link into a shared dataset: follow links.
  const isFolder = async (e: (typeof entries)[number]) => e.isDirectory() || (e.isSymbolicLink() && (await stat(join(componentDir, e.name)).catch(() => undefined))?.isDirectory() === true);
  const flags = await Promise.all(entries.map(isFolder));
  const types = entries
    .filter((_, i) => flags[i])
    .map((e) => e.name)
    .sort();
  if (types.length === 0) throw new Error(`${componentDir}: no image type folders; expected <component>/<type>/*{${IMAGE_EXTENSIONS.join(',')}}`);
  return types;
}

export async function preprocessComponent(params: PreprocessParams): Promise<ComponentOutcome> {
  const component = params.component ?? basename(params.componentDir);
  const types = await listTypes(params.componentDir);
  const pool = params.pool ?? new WorkerPool(params.workers);
  try {
    const shared = params.config.model_training.one_hot_encoding ? new SharedCropSize(types) : undefined;
    const outcomes = await Promise.all(types.map((type) => preprocessType(type, types, component, params, pool, shared)));
    return { component, types: outcomes };
  } finally {
    if (!params.pool) await pool.close();
  }
}

async function preprocessType(
  type: string,
  allTypes: string[],
  component: string,
  params: PreprocessParams,
  pool: WorkerPool,
  shared: SharedCropSize | undefined,
): Promise<TypeOutcome> {
  const { config, reporter } = params;
  const { rename_images, preprocessor } = config.preprocessing;
  const typeDir = join(params.componentDir, type);
  const out = params.paths.outputs('train', component, type);
  const outcome: TypeOutcome = { type, inputs: 0, skipped: [] };
  const skip = (skipped: Skipped[]) => {
    for (const s of skipped) reporter.warn(`${type}: skipped ${basename(s.file)} at ${s.step}: ${s.reason}`);
    outcome.skipped.push(...skipped);
  };
  let names: string[] = [];
  let inputs: string[] = [];
  try {
    // The step folders hold exactly this run's images: left-overs of an earlier run would enter the dataset.
    await Promise.all([out.backgroundRemoved, out.aligned, out.alignedMetrics].map((d) => rm(d, { recursive: true, force: true })));
    const referenceCopy = join(out.metadata, ALIGNMENT_REFERENCE_FILE);
    await rm(referenceCopy, { force: true });
    const reused = params.reuseImageSteps?.get(type);
    let steps: TypeImageSteps;
    if (reused) {
      ({ inputs, names } = reused);
      outcome.inputs = inputs.length;
      reporter.step(`${type}: remove_bg, align`, inputs.length).end(`reused from ${reused.inputDir}`);
      skip(reused.skipped);
      if (reused.referenceFile) {
        await mkdir(out.metadata, { recursive: true });
        await copyFile(reused.referenceFile, referenceCopy);
      }
      steps = reused;
    } else {
      inputs = await listImages(typeDir);
      outcome.inputs = inputs.length;
      if (inputs.length === 0) throw new Error(`no images in ${typeDir} (${IMAGE_EXTENSIONS.join(', ')})`);
      names = outputNames(inputs, type, rename_images);
      steps = await imageSteps(type, inputs, names, out, referenceCopy, params, pool, skip);
      params.onImageSteps?.(type, steps);
    }
    const { images, inputDir } = steps;

    const oneHot = shared ? { oneHotTypes: allTypes, fixedCropBox: await shared.boxFor(type, inputDir, preprocessor, pool) } : {};
    const made = await makeInput({ inputDir, outDir: out.root, type, options: preprocessor, images, ...oneHot }, pool, reporter.step(`${type}: make_input`, images.length));
    skip(made.skipped);
    outcome.dataset = datasetInfo(made.dataset);
  } catch (err) {
    shared?.withdraw(type);
    outcome.error = err instanceof Error ? err.message : String(err);
  }
  await writeRecords(out, inputs, names, outcome, config);
  return outcome;
}

/**
 * remove_bg, then align when apply_alignment (the reference copied into the type's metadata as `referenceCopy`).
 * Skipped images go to `skip` as each step ends, so a step that leaves none still reports why.
 */
async function imageSteps(
  type: string,
  inputs: string[],
  names: string[],
  out: TypeOutputs,
  referenceCopy: string,
  params: PreprocessParams,
  pool: WorkerPool,
  skip: (skipped: Skipped[]) => void,
): Promise<TypeImageSteps> {
  const { remove_background, alignment } = params.config.preprocessing;
  const skipped: Skipped[] = [];
  const record = (s: Skipped[]) => {
    skipped.push(...s);
    skip(s);
  };
  const sources = inputs.map((source, i) => ({ source, name: names[i]! }));
  const removed = await removeBackgrounds(sources, out.backgroundRemoved, remove_background, pool, params.reporter.step(`${type}: remove_bg`, inputs.length));
  record(removed.skipped);
  if (removed.kept.length === 0) throw new Error('no image left after remove_bg');
  if (!alignment.apply_alignment) return { inputs, names, images: removed.kept, inputDir: out.backgroundRemoved, skipped };

  // Validation aligns new images to the same reference, so it travels with the dataset's metadata (and the model).
  const reference = removed.kept[0]!.file;
  await mkdir(out.metadata, { recursive: true });
  await copyFile(reference, referenceCopy);
  const aligned = await alignImages(removed.kept, reference, out.aligned, alignment, pool, params.reporter.step(`${type}: align`, removed.kept.length), out.alignedMetrics);
  record(aligned.skipped);
  if (aligned.kept.length === 0) throw new Error('no image left after align');
  return { inputs, names, images: aligned.kept, inputDir: out.aligned, referenceFile: referenceCopy, skipped };
}

function datasetInfo({ npzFile, metadataFile, metadata }: DatasetResult): DatasetInfo {
  return { file: npzFile, metadataFile, images: metadata.files.length, shape: metadata.shape, channels: metadata.channels.length };
}

export interface MakeInputComponentParams {
  componentDir: string;
  /** Receives <type>/<file_name> and <type>/metadata/preprocessing.yaml per type. */
  outDir: string;
  config: Config;
  workers: number;
  reporter: Reporter;
}

/** `pixal make_input`: make_input alone, for every type folder of a component (images used as they are). */
export async function makeInputComponent(params: MakeInputComponentParams): Promise<ComponentOutcome> {
  const types = await listTypes(params.componentDir);
  const { preprocessing, model_training } = params.config;
  const pool = new WorkerPool(params.workers);
  const shared = model_training.one_hot_encoding ? new SharedCropSize(types) : undefined;
  try {
    const outcomes = await Promise.all(
      types.map(async (type): Promise<TypeOutcome> => {
        const inputDir = join(params.componentDir, type);
        const outcome: TypeOutcome = { type, inputs: 0, skipped: [] };
        try {
          outcome.inputs = (await listImages(inputDir)).length;
          const options = preprocessing.preprocessor;
          const oneHot = shared ? { oneHotTypes: types, fixedCropBox: await shared.boxFor(type, inputDir, options, pool) } : {};
          const made = await makeInput({ inputDir, outDir: join(params.outDir, type), type, options, ...oneHot }, pool, params.reporter.step(`${type}: make_input`, outcome.inputs));
          outcome.skipped = made.skipped;
          outcome.dataset = datasetInfo(made.dataset);
        } catch (err) {
          shared?.withdraw(type);
          outcome.error = err instanceof Error ? err.message : String(err);
        }
        return outcome;
      }),
    );
    return { component: basename(params.componentDir), types: outcomes };
  } finally {
    await pool.close();
  }
}

/** metadata/names.csv (input -> output name), metadata/parameters.yaml (the merged config), logs/preprocessing.log. */
async function writeRecords(out: TypeOutputs, inputs: string[], names: string[], outcome: TypeOutcome, config: Config): Promise<void> {
  await Promise.all([mkdir(out.metadata, { recursive: true }), mkdir(out.logs, { recursive: true })]);
  const field = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const csv = ['input,name', ...inputs.map((f, i) => `${field(basename(f))},${field(names[i] ?? '')}`)].join('\n');
  const fate = (input: string) => {
    const s = outcome.skipped.find((k) => k.file === input);
    return s ? `skipped at ${s.step}: ${s.reason}` : outcome.dataset ? `in ${outcome.dataset.file}` : 'not in a dataset';
  };
  const log = [
    `type ${outcome.type}: ${outcome.dataset ? `${outcome.dataset.images} of ${outcome.inputs} images in ${outcome.dataset.file}` : `failed: ${outcome.error}`}`,
    ...inputs.map((f) => `${basename(f)}: ${fate(f)}`),
  ].join('\n');
  await Promise.all([
    writeFile(join(out.metadata, 'names.csv'), `${csv}\n`),
    writeFile(join(out.metadata, 'parameters.yaml'), YAML.stringify(config)),
    writeFile(join(out.logs, 'preprocessing.log'), `${log}\n`),
  ]);
}

/** The end-of-run summary: per type, the dataset or why there is none, and every skipped image with its reason. */
export function summaryLines(command: string, outcome: ComponentOutcome): string[] {
  const made = outcome.types.filter((t) => t.dataset).length;
  const lines = [`${command} ${outcome.component}: ${made} of ${outcome.types.length} types produced a dataset`];
  for (const t of outcome.types) {
    if (t.dataset) {
      const d = t.dataset;
      lines.push(`  ${t.type}: ${d.images} of ${t.inputs} images -> ${d.file} (${d.images} x ${d.shape[0]}x${d.shape[1]} pixels x ${d.channels} channels)`);
    } else lines.push(`  ${t.type}: failed: ${t.error}`);
    for (const s of t.skipped) lines.push(`    skipped ${basename(s.file)} at ${s.step}: ${s.reason}`);
  }
  return lines;
}
