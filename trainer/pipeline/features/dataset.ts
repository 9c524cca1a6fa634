// make_input for one image type: union crop box, per-image features, then out.npz and its metadata.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { ImageReadError, isImageFile, readImage, type Image } from '../../image/image.ts';
import { FIXED_RANGES, PER_IMAGE_SCALING } from './channels.ts';
import { foregroundBounds, fullCropBox, recentreCropBox, unionCropBox, type Bounds, type CropBox, type CropSize } from './crop-box.ts';
import { imageFeatures, type FeatureOptions, type ImageFeatures } from './image-features.ts';
import { writePreprocessingMetadata, type PreprocessingMetadata } from './metadata.ts';
import { writeNpz, type NpyArray } from './npz.ts';
import { resolveChannels, type PreprocessorOptions } from './options.ts';
import { pooledSize } from './pool.ts';

export interface BuildDatasetParams {
  /** Folder of one image type: background-removed / aligned RGBA PNGs, or plain images. */
  inputDir: string;
  /** out/<component>/<type>: receives `options.file_name` and metadata/preprocessing.yaml. */
  outDir: string;
  /** Validated preprocessing.preprocessor section. */
  options: PreprocessorOptions;
  /** Image type name; the input folder's name by default. */
  type?: string;
  /** One-hot mode: every type of the component, in label-column order (must include this type). */
  oneHotTypes?: readonly string[];
  /** Validation: the training set's crop box, re-centred on each image's own foreground. */
  cropBox?: CropBox;
  /** Training, one-hot mode: the box every image is cut to, decided over all types beforehand (surveyCropBox). */
  fixedCropBox?: CropBox;
  onProgress?: (done: number, total: number) => void;
}

export interface DatasetResult {
  npzFile: string;
  metadataFile: string;
  metadata: PreprocessingMetadata;
}

export const METADATA_FILE = join('metadata', 'preprocessing.yaml');

/** Decodes with alpha only when the file has it, so alpha-based foreground applies to background-removed images. */
export async function readSource(file: string): Promise<Image> {
  let hasAlpha: boolean;
  try {
    hasAlpha = (await sharp(file).metadata()).hasAlpha;
  } catch (err) {
    throw new ImageReadError(file, err instanceof Error ? err.message : String(err));
  }
  return readImage(file, hasAlpha ? 4 : 3);
}

/** What pass 1 of make_input (training) finds in a type folder: the one size of its images and its crop box. */
export interface CropSurvey {
  /** The union of the images' foregrounds, padded (zero pruning), or the whole image. */
  box: CropBox;
  imageSize: CropSize;
}

/** Pass 1 alone, for one-hot mode: every type's crop box is needed before any type's dataset is cut. */
export async function surveyCropBox(inputDir: string, options: PreprocessorOptions): Promise<CropSurvey> {
  const { box, imageSize } = await surveyImages(inputDir, await imageNames(inputDir), options, []);
  return { box, imageSize: { width: imageSize.width, height: imageSize.height } };
}

async function imageNames(inputDir: string): Promise<string[]> {
  const names = (await readdir(inputDir)).filter(isImageFile).sort();
  if (names.length === 0) throw new Error(`${inputDir}: no images (.png, .jpg, .jpeg, .webp, .tif, .bmp) to preprocess`);
  return names;
}

/** Unreadable images are recorded and left out; any other failure stops make_input. */
function skipper(skipped: PreprocessingMetadata['skipped']): (name: string, err: unknown) => void {
  return (name, err) => {
    if (!(err instanceof ImageReadError)) throw err;
    skipped.push({ file: name, reason: err.message });
  };
}

/** Pass 1 (training): one size for all images, and the union of their foregrounds. */
async function surveyImages(inputDir: string, names: readonly string[], options: PreprocessorOptions, skipped: PreprocessingMetadata['skipped'], onImage?: () => void) {
  const skip = skipper(skipped);
  let imageSize: { width: number; height: number; file: string } | null = null;
  const bounds: (Bounds | null)[] = [];
  const readable: string[] = [];
  for (const name of names) {
    try {
      const image = await readSource(join(inputDir, name));
      if (!imageSize) imageSize = { width: image.width, height: image.height, file: name };
      else if (image.width !== imageSize.width || image.height !== imageSize.height) {
        throw new Error(
          `${join(inputDir, name)}: ${image.width}x${image.height} differs from ${imageSize.width}x${imageSize.height} of ${imageSize.file}; ` +
            'all images of a type must have one size (align them first)',
        );
      }
      bounds.push(foregroundBounds(image, options.bg_threshold));
      readable.push(name);
    } catch (err) {
      skip(name, err);
    }
    onImage?.();
  }
  if (!imageSize) throw new Error(`${inputDir}: none of the ${names.length} images could be read (${skipped[0]?.reason})`);
  const box = options.zero_pruning
    ? (unionCropBox(bounds, imageSize.width, imageSize.height, options.zero_pruning_padding) ?? failNoForeground(inputDir, options.bg_threshold))
    : fullCropBox(imageSize.width, imageSize.height);
  return { box, imageSize, readable };
}

export async function buildDataset(params: BuildDatasetParams): Promise<DatasetResult> {
  const { inputDir, outDir, options, cropBox, onProgress } = params;
  const type = params.type ?? basename(inputDir);
  const labelIndex = params.oneHotTypes?.indexOf(type);
  if (labelIndex === -1) throw new Error(`type "${type}" is not among the one-hot types (${params.oneHotTypes!.join(', ')})`);

  const names = await imageNames(inputDir);
  const skipped: PreprocessingMetadata['skipped'] = [];
  const skip = skipper(skipped);
  let box = cropBox ?? params.fixedCropBox;
  const total = names.length * (box ? 1 : 2);
  let done = 0;

  let imageSize: { width: number; height: number; file: string } | null = null;
  let readable = names;
  if (!box) ({ box, imageSize, readable } = await surveyImages(inputDir, names, options, skipped, () => onProgress?.(++done, total)));

  // Pass 2: features of every readable image.
  const channels = resolveChannels(options.channels);
  const featureOptions: FeatureOptions = { channels, pool_size: options.pool_size, normalisation: options.normalisation, bg_threshold: options.bg_threshold };
  const files: string[] = [];
  const features: ImageFeatures[] = [];
  for (const name of readable) {
    const file = join(inputDir, name);
    try {
      const image = await readSource(file);
      imageSize ??= { width: image.width, height: image.height, file: name };
      try {
        features.push(imageFeatures(image, cropBox ? recentreCropBox(cropBox, image, options.bg_threshold) : box, featureOptions));
      } catch (err) {
        throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
      files.push(name);
    } catch (err) {
      skip(name, err);
    }
    onProgress?.(++done, total);
  }
  if (features.length === 0 || !imageSize) throw new Error(`${inputDir}: none of the ${names.length} images could be read (${skipped[0]?.reason})`);

  const cropped = { height: box.y_max - box.y_min, width: box.x_max - box.x_min };
  const pooled = pooledSize(cropped.height, cropped.width, options.pool_size);
  const pixels = pooled.height * pooled.width;
  const n = features.length;
  const arrays: Record<string, NpyArray> = {
    data: { dtype: 'float32', shape: [n, pixels, channels.length], data: features.map((f) => f.data) },
    shape: { dtype: 'int64', shape: [2], data: BigInt64Array.from([BigInt(pooled.height), BigInt(pooled.width)]) },
    mask: { dtype: 'float32', shape: [n, pixels], data: features.map((f) => f.mask) },
    files: { dtype: 'unicode', shape: [n], data: files },
  };
  if (params.oneHotTypes && labelIndex !== undefined) {
    const labels = new Float32Array(n * params.oneHotTypes.length);
    for (let i = 0; i < n; i++) labels[i * params.oneHotTypes.length + labelIndex] = 1;
    arrays.labels = { dtype: 'float32', shape: [n, params.oneHotTypes.length], data: labels };
  }

  const metadata: PreprocessingMetadata = {
    type,
    crop_box: box,
    image_size: { height: imageSize.height, width: imageSize.width },
    cropped_size: cropped,
    shape: [pooled.height, pooled.width],
    input_dim: pixels * channels.length,
    channels: channels as PreprocessingMetadata['channels'],
    weights: options.weights,
    pool_size: options.pool_size,
    normalisation: {
      mode: options.normalisation,
      ranges: Object.fromEntries(
        channels.map((c) => {
          const perImage = options.normalisation === 'robust_per_image' ? PER_IMAGE_SCALING[c] : undefined;
          return [c, perImage ? { per_image: perImage } : FIXED_RANGES[c]];
        }),
      ),
    },
    zero_pruning: options.zero_pruning,
    zero_pruning_padding: options.zero_pruning_padding,
    bg_threshold: options.bg_threshold,
    file_name: options.file_name,
    files,
    skipped,
    ...(params.oneHotTypes ? { one_hot_types: [...params.oneHotTypes] } : {}),
  };

  const npzFile = join(outDir, options.file_name);
  const metadataFile = join(outDir, METADATA_FILE);
  await writeNpz(npzFile, arrays);
  await writePreprocessingMetadata(metadataFile, metadata);
  return { npzFile, metadataFile, metadata };
}

function failNoForeground(dir: string, bgThreshold: number): never {
  throw new Error(`${dir}: no image has a foreground pixel (alpha > 0, or a channel above bg_threshold ${bgThreshold}); nothing to crop to`);
}
