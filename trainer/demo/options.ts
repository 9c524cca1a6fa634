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
/** The alias the best model of each type gets. */
export const DEMO_ALIAS = 'production';

/** Enough images for alignment, a first model and a labelled test set, few enough to run in minutes on two cores. */
export const DEMO_DATASET = { train: 12, testGood: 4, testDefective: 1 } as const;

/**
 * The demo's image size: a third of a real photo's side keeps the defects visible after pooling by 4 and the whole
 * sweep near 4 CPU-minutes (measured: 227 s of CPU for the six points, their twelve models and validations).
 */
export const DEMO_SIZE = '640x360';

/** The sweep: every channel set against both pool sizes, six points, one model per type each. */
export const DEMO_GRID = ['preprocessing.preprocessor.channels=RGB,HSV,LAB_ab', 'preprocessing.preprocessor.pool_size=2,4'] as const;

/**
 * The demo's own settings over configs/parameters.yaml, every one that decides its running time set here so a change
 * of the project's defaults cannot make the demo slow: alignment on (with 2000 keypoints: plenty for the synthetic
 * flex), a small conv autoencoder trained 40 epochs in batches of 4 without early stopping, and at most 10 overlay
 * figures per validation. The grid sets channels and pool size; the base values here are its first point's.
 */
export const DEMO_CONFIG_SETS = [
  'preprocessing.remove_background.method=classical',
  'preprocessing.remove_background.grabcut=false',
  'preprocessing.alignment.apply_alignment=true',
  'preprocessing.alignment.max_features=2000',
  'preprocessing.alignment.save_overlays=false',
  'preprocessing.alignment.draw_matches=false',
  'preprocessing.preprocessor.channels=RGB',
  'preprocessing.preprocessor.weights=[1.0, 1.0, 1.0]',
  'preprocessing.preprocessor.pool_size=2',
  'model_training.one_hot_encoding=false',
  'model_training.model_kind=conv',
  'model_training.conv_filters=[16, 32, 64]',
  'model_training.conv_latent_channels=8',
  'model_training.n_epochs=40',
  'model_training.patience=40',
  'model_training.batchsize=4',
  'model_training.learning_rate=0.002',
  'detection.max_overlays=10',
] as const;
