// `pixal demo`, steps 2-6, against a tracking server already opened (step 1): a synthetic dataset in
// <dir>/data, preprocessing of its training images with alignment into <dir>/out (a run per type), one model
// trained per type (a run each), and each model validated on the dataset's labelled test images (a run each,
// with its plots), all in the experiment "pixal-demo".
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { Experiment } from '../mlflow/types.ts';
import type { BackendInfo } from '../model/backend.ts';
import type { Reporter } from '../pipeline/report.ts';
import { WorkerPool } from '../pipeline/workers/pool.ts';
import { loadTrainingUnits } from '../runs/datasets.ts';
import type { Tracking } from '../runs/tracking.ts';
import { checkTrainable, trainUnits } from '../runs/train-units.ts';
import type { TrainingProgress, TrainingRunOutcome } from '../runs/training-run.ts';
import { stopOnInterrupt } from '../training/interrupt.ts';
import { fetchModel } from '../validation/model-source.ts';
import { validateComponent, type ValidateOutcome } from '../validation/validate.ts';
import { ensureDataset, type DemoDataset } from './dataset.ts';
import { DEMO_CONFIG_SETS, DEMO_EXPERIMENT } from './options.ts';
import { pathsUnder } from './paths.ts';
import { preprocessWithRuns, type PreprocessingStep } from './preprocessing.ts';

/** Progress of one stretch of the demo, closed before training draws its own. */
export interface PhaseReporter extends Reporter {
  close(): void;
}

export interface DemoParams {
  dir: string;
  seed: number;
  size: { width: number; height: number };
  /** The backend models train on (initialised by the caller, which says when it fell back). */
  backend: BackendInfo;
  openReporter(): PhaseReporter;
  progress: TrainingProgress;
  /** Called at the first Ctrl-C during training (the current run ends KILLED, nothing after it runs). */
  onInterrupt?: () => void;
}

export interface DemoResult {
  dataset: DemoDataset;
  experiment: Experiment;
  preprocessing: PreprocessingStep;
  training: TrainingRunOutcome[];
  /** The labelled test images of the dataset; absent when no model finished. */
  validation?: { input: string; outcome: ValidateOutcome };
  /** Ctrl-C stopped training. */
  interrupted: boolean;
}

/** Runs `work` with a fresh reporter that is closed afterwards, whatever happens. */
async function inPhase<T>(params: DemoParams, work: (reporter: Reporter) => Promise<T>): Promise<T> {
  const reporter = params.openReporter();
  try {
    return await work(reporter);
  } finally {
    reporter.close();
  }
}

export async function runDemo(tracking: Tracking, params: DemoParams): Promise<DemoResult> {
  const { client } = tracking;
  const dir = resolve(params.dir);
  // Before any work: a bad config, a backend that cannot train it or an unreachable server should not cost a dataset first.
  const config = loadConfig({ sets: DEMO_CONFIG_SETS });
  checkTrainable(config, params.backend);
  const paths = pathsUnder(dir);
  const experiment = await client.getOrCreateExperiment(DEMO_EXPERIMENT);
  // OpenCV lives on one worker thread per process for good: one pool for preprocessing and validation.
  const pool = new WorkerPool(availableParallelism());
  try {
    const { dataset, preprocessing } = await inPhase(params, async (reporter) => {
      let synth: ReturnType<Reporter['step']> | undefined;
      const dataset = await ensureDataset(dir, params.seed, params.size, (done, total) => {
        synth ??= reporter.step('synth', total);
        synth.progress(done, total);
      });
      synth?.end(`${dataset.action} ${dataset.root}`);
      const component = basename(dataset.trainDir);
      const preprocessing = await preprocessWithRuns({ client, experimentId: experiment.experimentId, componentDir: dataset.trainDir, component, config, paths, pool, reporter });
      return { dataset, preprocessing };
    });
    const { component } = preprocessing.outcome;

    const trainable = preprocessing.outcome.types.filter((t) => t.dataset).map((t) => t.type);
    const units = trainable.length ? await loadTrainingUnits(paths.resolve('component_model_path', { component }), config, trainable) : [];
    const interrupt = stopOnInterrupt(params.onInterrupt);
    let training: TrainingRunOutcome[];
    try {
      training = await trainUnits({ client, experimentId: experiment.experimentId, units, config, paths, backend: params.backend, signal: interrupt.signal, progress: params.progress });
    } finally {
      interrupt.release();
    }
    const interrupted = interrupt.signal.aborted;
    const result: DemoResult = { dataset, experiment, preprocessing, training, interrupted };
    const trained = training.filter((o) => o.status === 'FINISHED');
    if (interrupted || trained.length === 0) return result;

    const input = join(dataset.root, 'test', component);
    const outcome = await inPhase(params, async (reporter) => {
      const models = [];
      for (const o of trained) models.push(await fetchModel(client, { runId: o.runId }, join(dir, 'models')));
      return validateComponent({ client, componentDir: input, models, config, paths, pool, reporter });
    });
    return { ...result, validation: { input, outcome } };
  } finally {
    await pool.close();
  }
}
