// `pixal train [-i out/<component>/]`: one autoencoder per type folder (or one for all types with
// model_training.one_hot_encoding), each an MLflow run on MLFLOW_TRACKING_URI, or, when that is unset, on a
// pixal server started in this process with its store in ./mlruns (as MLflow's own client falls back to ./mlruns).
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { existingDir, pipelineSettings, withConfigOptions, type PipelineFlags } from '../pipeline-options.ts';

export interface TrainFlags extends PipelineFlags {
  input?: string;
  types?: string[];
  device: 'cpu' | 'gpu' | 'wasm';
  experiment?: string;
}

const DEVICES = ['cpu', 'gpu', 'wasm'] as const;

function device(value: string): TrainFlags['device'] {
  if (!(DEVICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${DEVICES.join(', ')}, got '${value}'`);
  return value as TrainFlags['device'];
}

const typeList = (value: string) => value.split(',').map((t) => t.trim()).filter(Boolean);

/** The flags train and sweep share. */
export function withTrainOptions(command: Command): Command {
  return withConfigOptions(command)
    .option('--device <device>', 'cpu: native TensorFlow (falls back to wasm, dense only, when it cannot load); gpu: TensorFlow with CUDA; wasm', device, 'cpu')
    .option('--experiment <name>', 'MLflow experiment (default: MLFLOW_EXPERIMENT_NAME, else model_training.experiment_name)')
    .option('--types <a,b>', 'train only these type folders', typeList);
}

export function registerTrainCommand(program: Command): void {
  withTrainOptions(
    program
      .command('train')
      .description('Train an autoencoder per image type (or one conditioned on the type, with one_hot_encoding) and log each as an MLflow run')
      .option('-i, --input <dir>', 'preprocessed component folder out/<component>/ (default: component_model_path of the paths file)'),
  ).action(async (flags: TrainFlags) => {
    const settings = pipelineSettings(flags);
    settings.reporter.close(); // training draws its own progress
    const componentDir = flags.input ? existingDir('-i', flags.input) : resolve(settings.paths.resolve('component_model_path'));
    const { startTraining } = await import('../training-session.ts');
    const session = await startTraining({ config: settings.config, device: flags.device, quiet: flags.quiet });
    try {
      const units = await session.load(componentDir, flags.types);
      const experiment = await session.experiment(flags.experiment);
      const outcomes = await session.train({ units, experimentId: experiment.experimentId, paths: settings.paths });
      process.exitCode = session.report(outcomes, experiment.experimentId);
    } finally {
      await session.close();
    }
  });
}
