// What `pixal demo` runs with: its flags, validated once at the boundary, and the fixed choices of the demo
// (a modest synthetic dataset, the experiment it logs to).
import { z } from 'zod';

const wholeNumber = (flag: string, max: number) =>
  z
    .string()
    .trim()
    .refine((v) => /^\d+$/.test(v) && Number(v) <= max, (v) => ({ message: `${flag} must be a whole number in 0..${max}, got '${v}'` }))
    .transform(Number);

const size = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const match = /^(\d+)x(\d+)$/i.exec(v);
    const [width, height] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!(width >= 64 && width <= 8192 && height >= 64 && height <= 8192)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `--size must be WIDTHxHEIGHT with sides in 64..8192, e.g. 1920x1080, got '${v}'` });
      return z.NEVER;
    }
    return { width, height };
  });

/** The flags as commander hands them over (strings, and booleans for the switches). */
export const DemoOptions = z
  .object({
    /** Everything the demo writes goes under this folder: data/, out/, mlruns/. */
    dir: z.string().trim().min(1, '--dir must not be empty'),
    port: wholeNumber('--port', 65535),
    host: z.string().trim().min(1, '--host must not be empty'),
    seed: wholeNumber('--seed', 0xffffffff),
    size,
    /** Keep serving after the runs are logged (false with --no-serve). */
    serve: z.boolean(),
    quiet: z.boolean(),
  })
  .strict();
export type DemoOptions = z.output<typeof DemoOptions>;

export const DEMO_EXPERIMENT = 'pixal-demo';
export const DEMO_COMPONENT = 'flex';

/** Enough images for alignment, a first model and a labelled test set, few enough to run in minutes on two cores. */
export const DEMO_DATASET = { train: 12, testGood: 4, testDefective: 1 } as const;

/**
 * The overrides the demo runs with, over configs/parameters.yaml: alignment on, and training cut to about half a
 * minute per type on two cores at the default 1920x1080. Pooling 8x8 keeps the dense model near 80 MB (at 2x2 it is
 * over 1 GB); with ten training images, batches of 2 give the 30 epochs enough steps to learn the parts (measured
 * on the demo's data: pixel AUROC about 0.8 and 0.95, against below 0.5 after 15 steps of the default batch size).
 */
export const DEMO_CONFIG_SETS = [
  'preprocessing.alignment.apply_alignment=true',
  'preprocessing.preprocessor.pool_size=8',
  'model_training.n_epochs=30',
  'model_training.batchsize=2',
] as const;
