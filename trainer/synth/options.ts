// What `pixal synth` generates: validated once at the boundary, then passed around as plain data.
import { z } from 'zod';
import { DEFECT_KINDS } from './defects/kinds.ts';

/** A folder name: no separators, nothing hidden. */
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit');
const count = z.number().int().min(0).max(100_000);

export const SynthOptions = z
  .object({
    /** Root of the dataset (train/ and test/ go under it). */
    output: z.string().min(1),
    /** The component folder (PIXAL's input layout: <component>/<type>/). */
    component: name.default('flex'),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /** Good images per type for training. */
    train: count.default(20),
    /** Good images per type in test/. */
    testGood: count.default(10),
    /** Images per defect kind and type in test/. */
    testDefective: count.default(2),
    /** Output frame; default 1920x1080, or the base image's own size. */
    size: z.object({ width: z.number().int().min(64).max(8192), height: z.number().int().min(64).max(8192) }).optional(),
    /** Image types (folders); drawn procedurally they must be front or back. */
    types: z.array(name).min(1).optional(),
    defects: z.array(z.enum(DEFECT_KINDS)).min(1).default([...DEFECT_KINDS]),
    /** Multiplies every defect's size (lengths, widths, radii); below 1 makes the few-pixel defects tiling is for. */
    defectScale: z.number().positive().max(4).default(1),
    /** Real photos to build the parts from instead of drawing them: per type, or `*` for every type. */
    baseImages: z.record(z.string(), z.string().min(1)).default({}),
  })
  .strict();
export type SynthOptions = z.infer<typeof SynthOptions>;
/** Options as given: every key with a default may be left out. */
export type SynthInput = z.input<typeof SynthOptions>;

export const DEFAULT_SIZE = { width: 1920, height: 1080 } as const;
export const DEFAULT_TYPES = ['front', 'back'] as const;
/** Types when only a photo for every type (`*`) is given and no --types. */
export const DEFAULT_PHOTO_TYPES = ['front'] as const;

/** The types to generate: named, else those with a photo, else front and back. */
export function typesOf(options: SynthOptions): string[] {
  if (options.types) return [...new Set(options.types)];
  const named = Object.keys(options.baseImages).filter((t) => t !== '*');
  if (named.length > 0) return named;
  return options.baseImages['*'] ? [...DEFAULT_PHOTO_TYPES] : [...DEFAULT_TYPES];
}

/** The photo a type is built from, or undefined when it is drawn. */
export function baseImageOf(options: SynthOptions, type: string): string | undefined {
  return options.baseImages[type] ?? options.baseImages['*'];
}
