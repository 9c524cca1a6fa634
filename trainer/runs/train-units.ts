// `pixal train`'s work for one component: load and check every training unit first (a bad dataset stops the
// command before any run exists), then one tracked run per unit, in order, each into its own local folder
// under paths.yaml's model_path. Ctrl-C ends the current run as KILLED and starts no other.
import type { PathsConfig } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import type { BackendInfo } from '../model/backend.ts';
import { TrainingError } from '../training/train.ts';
import type { TrainingUnit } from './datasets.ts';
import { runTraining, type TrainingRunOutcome, type TrainingRunParams } from './training-run.ts';

/** The experiment of training runs: --experiment, then MLFLOW_EXPERIMENT_NAME, then model_training.experiment_name. */
export function experimentName(flag: string | undefined, config: Config, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env.MLFLOW_EXPERIMENT_NAME || config.model_training.experiment_name;
}

/** What the backend cannot do, said before any run is created. */
export function checkTrainable(config: Config, backend: BackendInfo): void {
  if (config.model_training.model_kind === 'conv' && !backend.native) {
    throw new TrainingError(
      `model_training.model_kind conv needs the native TensorFlow backend, but training runs on ${backend.name} (${backend.fallbackReason ?? 'asked for'}): ` +
        'the wasm backend cannot train convolutions. Run `npm run setup` to build @tensorflow/tfjs-node (see `pixal doctor`), or use model_kind dense.',
    );
  }
}

/** A run's parameters, for several units: each unit's local folder comes from paths.yaml's model_path. */
export interface TrainUnitsParams extends Omit<TrainingRunParams, 'unit' | 'outputDir'> {
  units: TrainingUnit[];
  paths: PathsConfig;
}

export async function trainUnits(p: TrainUnitsParams): Promise<TrainingRunOutcome[]> {
  const { units, paths, ...shared } = p;
  const outcomes: TrainingRunOutcome[] = [];
  for (const unit of units) {
    if (p.signal?.aborted) break;
    outcomes.push(await runTraining({ ...shared, unit, outputDir: paths.resolve('model_path', { component: unit.component, type: unit.label }) }));
  }
  return outcomes;
}

/** One summary paragraph per run, for the terminal; with the run's address when the server outlives the command. */
export function outcomeLines(outcomes: readonly TrainingRunOutcome[], runUrl?: (runId: string) => string): string[] {
  return outcomes.flatMap((o) => {
    const r = o.result ?? o.tiled;
    const head = r
      ? `${o.runName}: ${o.status}, ${r.history.length} epochs (${r.stopReason.replace('_', ' ')}), best val_loss ${r.bestValLoss.toPrecision(4)} at epoch ${r.bestEpoch}`
      : `${o.runName}: ${o.status}`;
    return [
      head,
      ...(o.error ? [`  error: ${o.error}`] : []),
      `  run ${o.runId}${runUrl ? `: ${runUrl(o.runId)}` : ''}`,
      `  files: ${o.localDir}`,
      ...(o.close.drained && o.close.rejected.length === 0 ? [] : [`  ${o.close.message}`]),
    ];
  });
}

/** 0 when every run finished, 130 when one was stopped with Ctrl-C, 1 when one failed. */
export function exitCodeOf(outcomes: readonly TrainingRunOutcome[]): number {
  if (outcomes.some((o) => o.status === 'FAILED' || !o.close.drained)) return 1;
  return outcomes.some((o) => o.status === 'KILLED') ? 130 : 0;
}
