// New images of one type, preprocessed exactly as the model's training set was: remove_bg, alignment to the
// stored reference (when the model's config aligned), make_input with the training crop box re-centred on each
// image, and the training channels, normalisation and pooling (from the stored metadata). Each image's
// ground-truth mask goes through the same geometry (warp, crop), so pixel metrics compare like with like.
// One bad file is skipped with its reason; the rest goes on.
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, relative } from 'node:path';
import sharp from 'sharp';
import type { Image } from '../image/image.ts';
import type { Config } from '../config/schema.ts';
import type { TypeOutputs } from '../config/paths.ts';
import type { Homography } from '../pipeline/align/homography.ts';
import type { ChannelName } from '../pipeline/features/channels.ts';
import { cropImage, recentreCropBox, type CroppedImage, type CropBox } from '../pipeline/features/crop-box.ts';
import { readSource } from '../pipeline/features/dataset.ts';
import { optionsOf, type PreprocessingMetadata } from '../pipeline/features/metadata.ts';
import type { Reporter } from '../pipeline/report.ts';
import { alignImages } from '../pipeline/steps/align.ts';
import { makeInput } from '../pipeline/steps/make-input.ts';
import type { StepImage, StepName } from '../pipeline/steps/outcome.ts';
import { removeBackgrounds } from '../pipeline/steps/remove-background.ts';
import { mapConcurrent, type WorkerPool } from '../pipeline/workers/pool.ts';
import { readTypeDataset } from '../training/dataset.ts';
import { GroundTruthError, readGroundTruth, warpNearest } from './ground-truth.ts';
import { listValidationImages, type ListingProblem, type ValidationImage } from './labelled-set.ts';

export interface PrepareParams {
  /** <component>/<type>/: plain images or the MVTec AD layout (see labelled-set.ts). */
  typeDir: string;
  /** validate/<component>/<type>/ and its step folders: PathsConfig.outputs('validate', component, type). */
  out: TypeOutputs;
  /** The training set's metadata (from the model artifact): crop box, channels, normalisation, pooling. */
  metadata: PreprocessingMetadata;
  /** The stored alignment reference; required when `preprocessing.alignment.apply_alignment`. */
  referenceFile?: string;
  /** The model's stored preprocessing section (background removal and alignment as at training). */
  preprocessing: Pick<Config['preprocessing'], 'remove_background' | 'alignment'>;
  pool: WorkerPool;
  reporter: Reporter;
}

export interface PreparedImage extends ValidationImage {
  /** Where the model's input was cut from the (aligned) image: the training box, re-centred. */
  cropBox: CropBox;
  /** The crop as a PNG (RGBA: transparent background), at crop resolution, for overlays. */
  croppedFile: string;
  cropSize: { height: number; width: number };
  /** 0/1 defect pixels of the crop (row-major): all 0 for a good image; null when unlabelled or the mask is missing. */
  groundTruth: Uint8Array | null;
  /** 0/1 foreground of the crop: alpha > 0, or a colour channel above bg_threshold without alpha (as make_input). */
  foregroundCrop: Uint8Array;
}

export type PrepareStep = StepName | 'ground_truth';

export interface PrepareSkipped {
  /** The input file. */
  file: string;
  step: PrepareStep;
  reason: string;
}

export interface PreparedSet {
  /** The type folder's name. */
  type: string;
  /** (N, P = H'·W', C) row-major, as make_input writes it (also in `datasetFile`). */
  images: Float32Array;
  /** (N, P) foreground fraction of each pooled pixel. */
  foreground: Float32Array;
  /** Pooled [H', W']. */
  shape: [number, number];
  channels: ChannelName[];
  /** One-hot models: (N, T) labels in the model's type order. */
  labels?: Float32Array;
  /** In dataset order. */
  items: PreparedImage[];
  skipped: PrepareSkipped[];
  /** Listing problems that leave the image in (a defective image without its mask, a mask without its image). */
  problems: ListingProblem[];
  /** The dataset written under out.root (what `pixal detect` reads). */
  datasetFile: string;
}

/** Crops at crop resolution for overlays, beside the other preprocessed images. */
export const CROPPED_DIR = 'cropped_images';

/** Images whose crops are made at the same time (sharp encodes on its own threads). */
const CROP_CONCURRENCY = 4;

/** Unique step-folder names in listing order: `<NNN>_<folder>_<stem>` (good/000.png and scratch/000.png differ). */
function stepNames(images: readonly ValidationImage[]): string[] {
  const digits = Math.max(3, String(images.length - 1).length);
  const stem = (name: string) => name.slice(0, name.length - extname(name).length);
  return images.map((image, i) => `${String(i).padStart(digits, '0')}_${stem(image.name).replace(/\//g, '_')}`);
}

/** Pixels of the crop that make_input counts as foreground. */
function foregroundOf(crop: CroppedImage, bgThreshold: number): Uint8Array {
  const out = new Uint8Array(crop.width * crop.height);
  const { r, g, b, alpha } = crop;
  for (let i = 0; i < out.length; i++) out[i] = alpha ? (alpha[i]! > 0 ? 1 : 0) : r[i]! > bgThreshold || g[i]! > bgThreshold || b[i]! > bgThreshold ? 1 : 0;
  return out;
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function prepareValidationSet(params: PrepareParams): Promise<PreparedSet> {
  const { typeDir, out, metadata, preprocessing, pool, reporter } = params;
  const type = basename(typeDir);
  const align = preprocessing.alignment.apply_alignment;
  if (align && !params.referenceFile) throw new Error(`${typeDir}: the model was trained on aligned images, but no alignment reference was given`);

  const listing = await listValidationImages(typeDir);
  for (const p of listing.problems) reporter.warn(`${type}: ${relative(typeDir, p.file)}: ${p.reason}`);
  if (listing.images.length === 0) throw new Error(`${typeDir}: no images to validate (plain images, or good/, <defect>/ and unknown/ folders)`);
  const skipped: PrepareSkipped[] = [];
  const skip = (s: PrepareSkipped) => {
    reporter.warn(`${type}: skipped ${relative(typeDir, s.file)} at ${s.step}: ${s.reason}`);
    skipped.push(s);
  };
  const fail = (what: string): never => {
    throw new Error(`${typeDir}: none of the ${listing.images.length} images could be prepared (${what})`);
  };

  const croppedDir = join(dirname(out.aligned), CROPPED_DIR);
  // The step folders must hold exactly this run's images: left-overs of an earlier run would enter the dataset.
  await Promise.all([out.backgroundRemoved, out.aligned, out.alignedMetrics, croppedDir].map((d) => rm(d, { recursive: true, force: true })));

  const images = await checkSizes(listing.images, align ? null : metadata.cropped_size, skip);
  const byFile = new Map(images.map((image) => [image.file, image]));
  const names = stepNames(images);
  const removed = await removeBackgrounds(
    images.map((image, i) => ({ source: image.file, name: names[i]! })),
    out.backgroundRemoved,
    preprocessing.remove_background,
    pool,
    reporter.step(`${type}: remove_bg`, images.length),
  );
  removed.skipped.forEach(skip);
  let kept: StepImage[] = removed.kept;
  let inputDir = out.backgroundRemoved;
  const homographies = new Map<string, Homography>();
  if (align && kept.length) {
    const aligned = await alignImages(kept, params.referenceFile!, out.aligned, preprocessing.alignment, pool, reporter.step(`${type}: align`, kept.length), out.alignedMetrics);
    aligned.skipped.forEach(skip);
    for (const a of aligned.kept) homographies.set(a.source, a.homography);
    kept = aligned.kept;
    inputDir = out.aligned;
  }
  if (kept.length === 0) fail(skipped[0]?.reason ?? 'none left');

  const options = optionsOf(metadata);
  // Aligned images are in the reference's frame, where the training crop box was cut: it applies as it is.
  // Unaligned images keep their own pose, so the box is re-centred on each image's foreground (PIXAL's way).
  const made = await makeInput(
    { inputDir, outDir: out.root, type: metadata.type, options, images: kept, ...(align ? { fixedCropBox: metadata.crop_box } : { cropBox: metadata.crop_box }), ...(metadata.one_hot_types ? { oneHotTypes: metadata.one_hot_types } : {}) },
    pool,
    reporter.step(`${type}: make_input`, kept.length),
  ).catch((err: unknown) => fail(reasonOf(err)));
  made.skipped.forEach(skip);
  const dataset = await readTypeDataset(out.root);

  // The dataset's own order; each image's crop box is recomputed from the same file, as make_input did.
  await mkdir(croppedDir, { recursive: true });
  const sourceOf = new Map(kept.map((k) => [basename(k.file), k.source]));
  const report = reporter.step(`${type}: ground_truth`, dataset.files.length);
  let done = 0;
  const items = await mapConcurrent(dataset.files, CROP_CONCURRENCY, async (name) => {
    const image = byFile.get(sourceOf.get(name)!)!;
    const item = await cropped(image, join(inputDir, name), join(croppedDir, `${basename(name, extname(name))}.png`), homographies.get(image.file), metadata, align);
    report.progress(++done, dataset.files.length);
    return item;
  });
  report.end(`${items.length} images, ${items.filter((i) => i.groundTruth && i.label === 1).length} with a defect mask`);
  return {
    type,
    images: dataset.images,
    foreground: dataset.mask,
    shape: metadata.shape,
    channels: metadata.channels,
    ...(dataset.labels ? { labels: dataset.labels } : {}),
    items,
    skipped,
    problems: listing.problems,
    datasetFile: dataset.npz,
  };
}

/**
 * Leaves out, before any work, the images make_input or the metrics could not use: a mask that cannot be read
 * or does not match its image, and (without alignment, where the image keeps its own size) an image smaller than
 * the training crop. An unreadable image is left to remove_bg, which reports it.
 */
async function checkSizes(images: readonly ValidationImage[], minimum: { height: number; width: number } | null, skip: (s: PrepareSkipped) => void): Promise<ValidationImage[]> {
  const reasons = await mapConcurrent(images, CROP_CONCURRENCY, async (image): Promise<Omit<PrepareSkipped, 'file'> | null> => {
    const size = await sharp(image.file)
      .metadata()
      .then((m) => m.autoOrient)
      .catch(() => null);
    if (!size) return null;
    if (minimum && (size.width < minimum.width || size.height < minimum.height)) {
      return { step: 'make_input', reason: `image ${size.width}x${size.height} is smaller than the ${minimum.width}x${minimum.height} crop of the training images` };
    }
    if (!image.maskFile) return null;
    return readGroundTruth(image.maskFile, size.width, size.height).then(
      () => null,
      (err: unknown) => {
        if (err instanceof GroundTruthError) return { step: 'ground_truth' as const, reason: err.message };
        throw err;
      },
    );
  });
  // Reported in listing order, whatever order the checks finished in.
  reasons.forEach((r, i) => r && skip({ file: images[i]!.file, ...r }));
  return images.filter((_, i) => !reasons[i]);
}

/** The crop of one preprocessed image, its foreground, and its ground truth carried through the same warp and crop. */
async function cropped(image: ValidationImage, file: string, croppedFile: string, homography: Homography | undefined, metadata: PreprocessingMetadata, aligned: boolean): Promise<PreparedImage> {
  const source: Image = await readSource(file);
  const cropBox = aligned ? metadata.crop_box : recentreCropBox(metadata.crop_box, source, metadata.bg_threshold);
  const crop = cropImage(source, cropBox);
  const cropSize = { height: crop.height, width: crop.width };
  await sharp(source.data, { raw: { width: source.width, height: source.height, channels: source.channels } })
    .extract({ left: cropBox.x_min, top: cropBox.y_min, width: crop.width, height: crop.height })
    .png({ compressionLevel: 6 })
    .toFile(croppedFile);

  let groundTruth: Uint8Array | null = null;
  if (image.label === 0) groundTruth = new Uint8Array(crop.width * crop.height);
  else if (image.maskFile) {
    // Checked against the input's size before remove_bg; alignment then moved the image onto the reference frame.
    const size = await sharp(image.file).metadata().then((m) => m.autoOrient);
    let mask = await readGroundTruth(image.maskFile, size.width, size.height);
    if (homography) mask = warpNearest(mask, size.width, size.height, homography, source.width, source.height);
    groundTruth = cropImage({ width: source.width, height: source.height, channels: 1, data: mask }, cropBox).r;
  }
  return { ...image, cropBox, croppedFile, cropSize, groundTruth, foregroundCrop: foregroundOf(crop, metadata.bg_threshold) };
}
