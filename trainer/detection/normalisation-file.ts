// The error references of a model, stored in its artifact beside model.json:
//   error_reference/reference.json   index: format, what the arrays mean, and per type its file, images and shape
//   error_reference/<type>.npz       mean_error and foreground_share, float32 (H', W') each (numpy.load reads it)
// A model without the folder (trained before pixal stored references) has none: detection scores it plain.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeNpz } from '../pipeline/features/npz.ts';
import { readNpz } from '../training/npz.ts';
import { FOREGROUND_MIN } from './error-map.ts';
import type { ErrorReference } from './normalisation.ts';

export const ERROR_REFERENCE_DIR = 'error_reference';
export const ERROR_REFERENCE_INDEX = 'reference.json';
const FORMAT = 'pixal-error-reference/1';

const positiveInt = z.number().int().positive();
const ReferenceIndex = z.object({
  format: z.literal(FORMAT),
  description: z.string(),
  foreground_min: z.number(),
  types: z.record(z.object({ file: z.string().regex(/^[^/\\]+\.npz$/), images: positiveInt, shape: z.tuple([positiveInt, positiveInt]) })),
});

const DESCRIPTION =
  "Per pooled pixel, measured with this model on its training images at the end of training: mean_error = mean of the error map (channel-weighted squared error, as detection computes it) over the images in which the pixel is foreground (mask >= foreground_min), 0 where it never is; foreground_share = share of the training images in which it is foreground. Detection divides each error by (mean_error + epsilon) where foreground_share >= detection.support_share, else sets 0 (trainer/detection/normalisation.ts).";

/** Writes one .npz per type and the index into `<modelDir>/error_reference/`. */
export async function writeErrorReferences(modelDir: string, references: ReadonlyMap<string, ErrorReference>): Promise<void> {
  const dir = join(modelDir, ERROR_REFERENCE_DIR);
  const types: z.infer<typeof ReferenceIndex>['types'] = {};
  for (const [type, reference] of references) {
    const file = `${type}.npz`;
    const shape = [...reference.shape];
    await writeNpz(join(dir, file), {
      mean_error: { dtype: 'float32', shape, data: reference.meanError },
      foreground_share: { dtype: 'float32', shape, data: reference.foregroundShare },
    });
    types[type] = { file, images: reference.images, shape: reference.shape };
  }
  const index: z.infer<typeof ReferenceIndex> = { format: FORMAT, description: DESCRIPTION, foreground_min: FOREGROUND_MIN, types };
  await writeFile(join(dir, ERROR_REFERENCE_INDEX), `${JSON.stringify(index, null, 2)}\n`);
}

/** The references stored in `<modelDir>/error_reference/`, per type; undefined when the model has none. */
export async function readErrorReferences(modelDir: string): Promise<Map<string, ErrorReference> | undefined> {
  const dir = join(modelDir, ERROR_REFERENCE_DIR);
  const indexFile = join(dir, ERROR_REFERENCE_INDEX);
  if (!existsSync(indexFile)) return undefined;
  let index: z.infer<typeof ReferenceIndex>;
  try {
    index = ReferenceIndex.parse(JSON.parse(await readFile(indexFile, 'utf8')));
  } catch (err) {
    throw new Error(`${indexFile}: not a pixal error reference index (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
  const references = new Map<string, ErrorReference>();
  for (const [type, entry] of Object.entries(index.types)) {
    const file = join(dir, entry.file);
    const arrays = await readNpz(file);
    const array = (name: string): Float32Array => {
      const value = arrays[name];
      if (value?.dtype !== 'float32' || value.shape.join() !== entry.shape.join()) {
        throw new Error(`${file}: "${name}" must be float32 of shape (${entry.shape.join(', ')}) as ${ERROR_REFERENCE_INDEX} says`);
      }
      return value.data;
    };
    references.set(type, { shape: entry.shape, images: entry.images, meanError: array('mean_error'), foregroundShare: array('foreground_share') });
  }
  return references;
}
