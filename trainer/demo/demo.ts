// `pixal demo`, steps 2-4, against a tracking server already opened (step 1): a synthetic dataset in
// <dir>/data, preprocessing of its training images with alignment into <dir>/out, and one MLflow run per
// image type in the experiment "pixal-demo". The runs are created before preprocessing starts, so a
// dashboard shows them RUNNING while the images are processed.
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { Experiment } from '../mlflow/types.ts';
import { listTypes, preprocessComponent, type ComponentOutcome } from '../pipeline/preprocess.ts';
import type { Reporter } from '../pipeline/report.ts';
import { ensureDataset, type DemoDataset } from './dataset.ts';
import { DEMO_CONFIG_SETS, DEMO_EXPERIMENT } from './options.ts';
import { pathsUnder } from './paths.ts';
import { preprocessingTags, recordPreprocessingRun } from './runs.ts';
import type { Tracking } from '../runs/tracking.ts';

export interface DemoParams {
  dir: string;
  seed: number;
  size: { width: number; height: number };
  reporter: Reporter;
}

export interface DemoRun {
  type: string;
  runId: string;
  status: 'FINISHED' | 'FAILED';
}

export interface DemoResult {
  dataset: DemoDataset;
  preprocessing: ComponentOutcome;
  experiment: Experiment;
  runs: DemoRun[];
}

/** Ends runs that will get no more data, as far as the server still answers: the original error matters more. */
async function failRuns(tracking: Tracking, runIds: string[]): Promise<void> {
  await Promise.allSettled(runIds.map((runId) => tracking.client.updateRun(runId, { status: 'FAILED' })));
}

export async function runDemo(tracking: Tracking, params: DemoParams): Promise<DemoResult> {
  const dir = resolve(params.dir);
  // Before any work: a bad config or an unreachable server should not cost a dataset first.
  const config = loadConfig({ sets: DEMO_CONFIG_SETS });
  const paths = pathsUnder(dir);
  const experiment = await tracking.client.getOrCreateExperiment(DEMO_EXPERIMENT);

  let synth: ReturnType<Reporter['step']> | undefined;
  const dataset = await ensureDataset(dir, params.seed, params.size, (done, total) => {
    synth ??= params.reporter.step('synth', total);
    synth.progress(done, total);
  });
  synth?.end(`${dataset.action} ${dataset.root}`);

  const component = basename(dataset.trainDir);
  const types = await listTypes(dataset.trainDir);
  const startTime = Date.now();
  const created = await Promise.all(
    types.map((type) => tracking.client.createRun({ experimentId: experiment.experimentId, runName: `preprocess-${type}`, tags: preprocessingTags(component, type), startTime })),
  );
  const runIds = new Map(types.map((type, i) => [type, created[i]!.info.runId]));

  let preprocessing: ComponentOutcome;
  try {
    preprocessing = await preprocessComponent({ componentDir: dataset.trainDir, config, paths, workers: availableParallelism(), reporter: params.reporter });
  } catch (err) {
    await failRuns(tracking, [...runIds.values()]);
    throw err;
  }

  const logging = params.reporter.step('mlflow: log runs', preprocessing.types.length);
  const runs: DemoRun[] = [];
  try {
    for (const outcome of preprocessing.types) {
      const runId = runIds.get(outcome.type)!;
      const outputs = paths.outputs('train', component, outcome.type);
      const figures = paths.resolve('figures_path', { component, type: outcome.type });
      const status = await recordPreprocessingRun(tracking.client, { runId, outcome, config, dirs: { metadata: outputs.metadata, logs: outputs.logs, figures } });
      runs.push({ type: outcome.type, runId, status });
      logging.progress(runs.length, preprocessing.types.length);
    }
  } catch (err) {
    await failRuns(tracking, [...runIds.values()].filter((runId) => !runs.some((r) => r.runId === runId)));
    throw err;
  }
  logging.end(`${runs.length} runs in experiment ${DEMO_EXPERIMENT}`);
  return { dataset, preprocessing, experiment, runs };
}
