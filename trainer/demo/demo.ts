// `pixal demo`, after its tracking server is open: a synthetic dataset in <dir>/data, a sweep over channels
// (RGB, HSV, LAB_ab) x pool size (2, 4) with one model per image type at each point (child runs of one sweep run;
// preprocessing once per distinct preprocessing config, kept in <dir>/out/sweep-cache for the next demo), every
// model validated on the dataset's labelled test images, and per type the best one registered as
// `<component>-<type>` with the alias `production`. Everything goes to the experiment "pixal-demo".
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Experiment } from '../mlflow/types.ts';
import type { BackendInfo } from '../model/backend.ts';
import type { Reporter } from '../pipeline/report.ts';
import { WorkerPool } from '../pipeline/workers/pool.ts';
import { checkTrainable } from '../runs/train-units.ts';
import type { Tracking } from '../runs/tracking.ts';
import type { TrainingProgress } from '../runs/training-run.ts';
import { gridPoints, parseGrid, pointLabel, withFittedWeights, type GridAxis } from '../sweep/grid.ts';
import { runSweep, type SweepOutcome, type SweepPoint } from '../sweep/sweep.ts';
import { ensureDataset, type DemoDataset } from './dataset.ts';
import { DEMO_CONFIG_SETS, DEMO_EXPERIMENT, DEMO_GRID } from './options.ts';
import { pathsUnder } from './paths.ts';
import { bestPerType, promote, type Promotion } from './promotion.ts';
import { DemoTrainer } from './trainer.ts';
import { candidatesOf, validatePoints, type PointValidation } from './validation.ts';

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
  /** A line per sweep point and validation as it starts. */
  say?: (line: string) => void;
  /** Called at the first Ctrl-C during training (the current run ends KILLED, nothing after it runs). */
  onInterrupt?: () => void;
}

export interface DemoResult {
  dataset: DemoDataset;
  experiment: Experiment;
  sweep: SweepOutcome;
  /** The labelled test images of the dataset. */
  input: string;
  validations: PointValidation[];
  promotions: Promotion[];
  /** Ctrl-C stopped training. */
  interrupted: boolean;
}

/** The demo's config, then one config per grid point; all validated before any work. */
export function demoSweepPoints(): { base: Config; axes: GridAxis[]; points: SweepPoint[] } {
  const base = loadConfig({ sets: DEMO_CONFIG_SETS });
  const axes = parseGrid(DEMO_GRID);
  const points = gridPoints(axes).map((point, index) => {
    const fitted = withFittedWeights(point, base);
    try {
      return { index, point: fitted, config: loadConfig({ sets: [...DEMO_CONFIG_SETS, ...fitted.sets] }) };
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(err.problems.map((line) => `demo grid point ${pointLabel(point)}: ${line}`));
      throw err;
    }
  });
  return { base, axes, points };
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
  const { base, axes, points } = demoSweepPoints();
  for (const p of points) checkTrainable(p.config, params.backend);
  const paths = pathsUnder(dir);
  const experiment = await client.getOrCreateExperiment(DEMO_EXPERIMENT);
  // OpenCV lives on one worker thread per process for good: one pool for preprocessing and validation.
  const pool = new WorkerPool(availableParallelism());
  try {
    const dataset = await inPhase(params, async (reporter) => {
      let synth: ReturnType<Reporter['step']> | undefined;
      const made = await ensureDataset(dir, params.seed, params.size, (done, total) => {
        synth ??= reporter.step('synth', total);
        synth.progress(done, total);
      });
      synth?.end(`${made.action} ${made.root}`);
      return made;
    });
    const component = basename(dataset.trainDir);

    const trainer = new DemoTrainer(client, params.backend, params.progress, params.onInterrupt);
    let sweep: SweepOutcome;
    try {
      sweep = await inPhase(params, (reporter) =>
        runSweep({ client, experimentId: experiment.experimentId, trainer, componentDir: dataset.trainDir, component, axes, points, paths, pool, reporter, ...(params.say ? { onPoint: params.say } : {}) }),
      );
    } finally {
      trainer.release();
    }
    const input = join(dataset.root, 'test', component);
    const result: DemoResult = { dataset, experiment, sweep, input, validations: [], promotions: [], interrupted: trainer.signal.aborted };
    if (result.interrupted) return result;

    result.validations = await inPhase(params, (reporter) =>
      validatePoints({ client, points: sweep.points, input, config: base, paths, pool, modelsDir: join(dir, 'models'), reporter, ...(params.say ? { onPoint: params.say } : {}) }),
    );
    result.promotions = await promote(client, component, bestPerType(candidatesOf(result.validations)));
    return result;
  } finally {
    await pool.close();
  }
}
