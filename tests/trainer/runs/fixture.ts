// Tiny training data made the way a user makes it: `pixal synth` photos of the flex part (front and back),
// preprocessed by `pixal preprocess`, plus the real CLI as a subprocess and a tiny training configuration.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../trainer/config/load.ts';
import type { Config } from '../../../trainer/config/schema.ts';
import { REPO_ROOT } from '../../support/servers.ts';

const BIN = join(REPO_ROOT, 'trainer/cli/bin.mjs');

export const COMPONENT = 'flex';
/** Synth images per type: 6 train and 2 validation images with the default split. */
export const IMAGES_PER_TYPE = 8;

/**
 * The preprocessing every fixture dataset is made with (the config must say the same to train on it). Without
 * alignment (on by default): SIFT finds too few keypoints on these tiny images to align them. Two channels
 * (PIXAL's), fewer than the default LAB: the tests name them.
 */
export const PREPROCESS_SETS = [
  'preprocessing.preprocessor.pool_size=4',
  'preprocessing.alignment.apply_alignment=false',
  'preprocessing.preprocessor.channels=[LAB_a, LAB_b]',
  'preprocessing.preprocessor.weights=[3, 3]',
];

/** A model that trains in a fraction of a second on these images, and learns visibly (lr 0.01). */
export const TINY_TRAINING_SETS = [
  ...PREPROCESS_SETS,
  'model_training.n_epochs=4',
  'model_training.autoencoder_architecture=[16,4]',
  'model_training.conv_filters=[4,8]',
  'model_training.conv_latent_channels=4',
  'model_training.label_latent_size=4',
  'model_training.batchsize=4',
  'model_training.learning_rate=0.01',
];

export function tinyConfig(sets: readonly string[] = []): Config {
  return loadConfig({ sets: [...TINY_TRAINING_SETS, ...sets] });
}

/** `--set` flags for the CLI. */
export const setFlags = (sets: readonly string[]): string[] => sets.flatMap((s) => ['--set', s]);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node trainer/cli/bin.mjs <args>` in `cwd`, with `env` over the test's environment. */
export function pixal(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // A tracking server the developer has configured must not receive test runs.
  if (!('MLFLOW_TRACKING_URI' in env)) delete childEnv.MLFLOW_TRACKING_URI;
  if (!('MLFLOW_EXPERIMENT_NAME' in env)) delete childEnv.MLFLOW_EXPERIMENT_NAME;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: childEnv, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function ok(run: Promise<CliRun>, what: string): Promise<void> {
  const { code, stdout, stderr } = await run;
  if (code !== 0) throw new Error(`${what} exited with ${code}:\n${stdout}\n${stderr}`);
}

export interface SynthComponent {
  /** The temporary folder everything is in (the CLI's working directory). */
  root: string;
  /** <root>/out/flex: the preprocessed type folders back/ and front/. */
  componentDir: string;
}

/**
 * 8 synth photos per type (160x90), preprocessed with pool 4. `oneHot` writes type labels; one-hot data is
 * made without zero pruning so that both types share one input size (each type's crop box is its own).
 */
export async function synthComponent(options: { oneHot?: boolean } = {}): Promise<SynthComponent> {
  const root = mkdtempSync(join(tmpdir(), 'pixal-runs-'));
  await ok(pixal(['synth', '-o', 'data', '--train', String(IMAGES_PER_TYPE), '--test-good', '0', '--test-defective', '0', '--size', '160x90', '--quiet'], root), 'pixal synth');
  const sets = [...PREPROCESS_SETS, ...(options.oneHot ? ['model_training.one_hot_encoding=true', 'preprocessing.preprocessor.zero_pruning=false'] : [])];
  await ok(pixal(['preprocess', '-i', join('data', 'train', COMPONENT), '--quiet', ...setFlags(sets)], root), 'pixal preprocess');
  return { root, componentDir: join(root, 'out', COMPONENT) };
}
