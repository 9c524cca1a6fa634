// metadata/preprocessing.yaml: everything validation needs to preprocess new images exactly as the training
// set was. Top-level keys follow PIXAL's (crop_box, and the preprocessor keys), so its merge-into-config works.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { CHANNEL_NAMES, NORMALISATIONS } from './channels.ts';
import { CropBox } from './crop-box.ts';
import { PreprocessorOptions } from './options.ts';

const Size = z.object({ height: z.number().int().positive(), width: z.number().int().positive() }).strict();

/** Fixed range of a raw channel, or how it is scaled per image in robust mode. */
const ChannelScaling = z.union([
  z.object({ min: z.number(), max: z.number() }).strict(),
  z.object({ per_image: z.enum(['p1_p99', 'max']) }).strict(),
]);

export const PreprocessingMetadata = z
  .object({
    /** Image type (the input folder's name). */
    type: z.string(),
    /** Half-open bounds: rows y_min..y_max-1, columns x_min..x_max-1 of the source images. */
    crop_box: CropBox,
    /** Size of the source images (training) before cropping. */
    image_size: Size,
    /** Size of the crop before pooling. */
    cropped_size: Size,
    /** Pooled size (H', W'): each image is H'·W' pixels of len(channels) values. */
    shape: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    input_dim: z.number().int().positive(),
    /** Channels in dataset order ("ALL" expanded). */
    channels: z.array(z.enum(CHANNEL_NAMES)).nonempty(),
    weights: z.array(z.number()).nonempty(),
    pool_size: z.number().int().positive(),
    normalisation: z
      .object({
        mode: z.enum(NORMALISATIONS),
        /** Per channel: value01 = (raw - min) / (max - min), clipped to [0,1]; raw units are documented in channels.ts. */
        ranges: z.record(z.string(), ChannelScaling),
      })
      .strict(),
    zero_pruning: z.boolean(),
    zero_pruning_padding: z.number().int().nonnegative(),
    bg_threshold: z.number().int().min(0).max(255),
    file_name: z.string(),
    /** Source file names, in dataset order. */
    files: z.array(z.string()),
    /** Files left out, with the reason. */
    skipped: z.array(z.object({ file: z.string(), reason: z.string() }).strict()),
    /** One-hot labels: the type list whose positions the label columns follow (absent otherwise). */
    one_hot_types: z.array(z.string()).optional(),
  })
  .strict();
export type PreprocessingMetadata = z.infer<typeof PreprocessingMetadata>;

/** The preprocessor options recorded in the metadata, for preprocessing validation images the same way. */
export function optionsOf(metadata: PreprocessingMetadata): PreprocessorOptions {
  return PreprocessorOptions.parse({
    file_name: metadata.file_name,
    pool_size: metadata.pool_size,
    channels: metadata.channels,
    weights: metadata.weights,
    zero_pruning: metadata.zero_pruning,
    zero_pruning_padding: metadata.zero_pruning_padding,
    bg_threshold: metadata.bg_threshold,
    normalisation: metadata.normalisation.mode,
  });
}

/** Writes the YAML through a temporary file and a rename, so readers never see half a file. */
export async function writePreprocessingMetadata(file: string, metadata: PreprocessingMetadata): Promise<void> {
  const text = stringify(PreprocessingMetadata.parse(metadata));
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export async function readPreprocessingMetadata(file: string): Promise<PreprocessingMetadata> {
  const result = PreprocessingMetadata.safeParse(parse(await readFile(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}
