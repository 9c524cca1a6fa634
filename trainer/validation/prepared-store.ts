// A prepared validation set on disk, so `pixal detect` can score it again (another model, another threshold)
// without redoing background removal and alignment: the dataset (out.npz, written by make_input) plus prepared.json
// (each image's label, crop box, crop file) and its crop-sized masks as 1-bit PNGs (ground truth, foreground).
// Files of the set are stored relative to its folder, so the folder can be moved or read from another directory.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { PreprocessingMetadata } from '../pipeline/features/metadata.ts';
import { readTypeDataset } from '../training/dataset.ts';
import type { PreparedImage, PreparedSet } from './prepare.ts';

export const PREPARED_FILE = 'prepared.json';
const MASKS_DIR = 'crop_masks';

/** What must agree between the model that prepared a set and a model that scores it. */
export function preparationKey(metadata: PreprocessingMetadata) {
  return { channels: metadata.channels, shape: metadata.shape, pool_size: metadata.pool_size, crop_box: metadata.crop_box, normalisation: metadata.normalisation };
}

const Box = z.object({ y_min: z.number(), y_max: z.number(), x_min: z.number(), x_max: z.number() }).passthrough();
const StoredItem = z.object({
  file: z.string(),
  name: z.string(),
  label: z.union([z.literal(0), z.literal(1), z.null()]),
  defect: z.string().nullable(),
  maskFile: z.string().nullable(),
  cropBox: Box,
  croppedFile: z.string(),
  cropSize: z.object({ height: z.number().int().positive(), width: z.number().int().positive() }),
  groundTruthFile: z.string().nullable(),
  foregroundFile: z.string(),
});
const Stored = z.object({
  type: z.string(),
  key: z.unknown(),
  items: z.array(StoredItem),
  skipped: z.array(z.object({ file: z.string(), step: z.string(), reason: z.string() })),
  problems: z.array(z.object({ file: z.string(), reason: z.string() })),
});

async function writeMask(file: string, mask: Uint8Array, width: number, height: number): Promise<void> {
  const grey = Buffer.alloc(mask.length);
  for (let i = 0; i < mask.length; i++) grey[i] = mask[i] ? 255 : 0;
  await sharp(grey, { raw: { width, height, channels: 1 } }).png({ compressionLevel: 9, palette: false }).toFile(file);
}

async function readMask(file: string, width: number, height: number): Promise<Uint8Array> {
  const { data, info } = await sharp(file).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) throw new Error(`${file}: ${info.width}x${info.height}, expected ${width}x${height}`);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i * info.channels]! >= 128 ? 1 : 0;
  return mask;
}

/** Writes prepared.json and the crop masks beside the set's dataset (in `root`, out/<component>/<type>/). */
export async function savePreparedSet(root: string, set: PreparedSet, metadata: PreprocessingMetadata): Promise<void> {
  const masks = join(root, MASKS_DIR);
  await mkdir(masks, { recursive: true });
  const items = [];
  for (const [i, item] of set.items.entries()) {
    const stem = String(i).padStart(4, '0');
    const { width, height } = item.cropSize;
    const foregroundFile = join(masks, `${stem}_foreground.png`);
    await writeMask(foregroundFile, item.foregroundCrop, width, height);
    let groundTruthFile: string | null = null;
    if (item.groundTruth) {
      groundTruthFile = join(masks, `${stem}_ground_truth.png`);
      await writeMask(groundTruthFile, item.groundTruth, width, height);
    }
    const inSet = (f: string) => relative(root, f);
    items.push({
      file: resolve(item.file),
      name: item.name,
      label: item.label,
      defect: item.defect,
      maskFile: item.maskFile && resolve(item.maskFile),
      cropBox: item.cropBox,
      croppedFile: inSet(item.croppedFile),
      cropSize: item.cropSize,
      groundTruthFile: groundTruthFile && inSet(groundTruthFile),
      foregroundFile: inSet(foregroundFile),
    });
  }
  const stored = { type: set.type, key: preparationKey(metadata), items, skipped: set.skipped, problems: set.problems };
  await writeFile(join(root, PREPARED_FILE), `${JSON.stringify(stored, null, 1)}\n`);
}

/** Reads a set saved by savePreparedSet, checking it was prepared as `metadata` (the scoring model's) says. */
export async function loadPreparedSet(root: string, metadata: PreprocessingMetadata): Promise<PreparedSet> {
  const file = join(root, PREPARED_FILE);
  if (!existsSync(file)) throw new Error(`${root}: no ${PREPARED_FILE}: pixal detect scores folders prepared by pixal validate (validate/<component>/<type>/)`);
  const parsed = Stored.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  const stored = parsed.data;
  if (JSON.stringify(stored.key) !== JSON.stringify(preparationKey(metadata))) {
    throw new Error(`${root}: prepared for a model with other preprocessing (channels, size, pooling, crop box or normalisation) than this one's; run pixal validate with it instead`);
  }
  const dataset = await readTypeDataset(root);
  if (dataset.count !== stored.items.length) throw new Error(`${file}: ${stored.items.length} images, but ${dataset.npz} holds ${dataset.count}`);
  const items: PreparedImage[] = [];
  const inSet = (f: string) => (isAbsolute(f) ? f : join(root, f));
  for (const item of stored.items) {
    const { width, height } = item.cropSize;
    const { groundTruthFile, foregroundFile, ...rest } = item;
    items.push({
      ...rest,
      croppedFile: inSet(item.croppedFile),
      cropBox: item.cropBox as PreparedImage['cropBox'],
      groundTruth: groundTruthFile ? await readMask(inSet(groundTruthFile), width, height) : null,
      foregroundCrop: await readMask(inSet(foregroundFile), width, height),
    });
  }
  return {
    type: stored.type,
    images: dataset.images,
    foreground: dataset.mask,
    shape: dataset.metadata.shape,
    channels: dataset.metadata.channels,
    ...(dataset.labels ? { labels: dataset.labels } : {}),
    items,
    skipped: stored.skipped as PreparedSet['skipped'],
    problems: stored.problems,
    datasetFile: dataset.npz,
  };
}
