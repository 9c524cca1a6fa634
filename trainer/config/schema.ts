// The whole configuration (configs/parameters.yaml): each section's schema is owned by the module that
// reads it; this file only composes them. Every key has a default, so an empty file is a valid config.
import { z } from 'zod';
import { RemoveBackgroundOptions } from '../pipeline/background/options.ts';
import { AlignmentOptions } from '../pipeline/align/options.ts';
import { PreprocessorOptions } from '../pipeline/features/options.ts';
import { ModelTrainingOptions } from './model-training.ts';
import { PlottingOptions } from './plotting.ts';
import { DetectionOptions } from './detection.ts';
import { refineTilingAgainstTraining, TilingOptions } from './tiling.ts';

export const PreprocessingOptions = z
  .object({
    remove_background: RemoveBackgroundOptions.default({}),
    /** preprocess names outputs `<type>_<NNN>` (index in sorted input order), not the input's stem; metadata/names.csv maps them back. */
    rename_images: z.boolean().default(true),
    alignment: AlignmentOptions.default({}),
    preprocessor: PreprocessorOptions.default({}),
  })
  .strict();
export type PreprocessingOptions = z.infer<typeof PreprocessingOptions>;

export const Config = z
  .object({
    preprocessing: PreprocessingOptions.default({}),
    model_training: ModelTrainingOptions.default({}),
    plotting: PlottingOptions.default({}),
    detection: DetectionOptions.default({}),
    tiling: TilingOptions.default({}),
  })
  .strict()
  .superRefine(refineTilingAgainstTraining);
export type Config = z.infer<typeof Config>;
