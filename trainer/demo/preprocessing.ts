// The demo's preprocessing step: the training images of every type through preprocessing with alignment into
// <dir>/out, one MLflow run per type. The runs are created before the work starts, so a dashboard shows them
// RUNNING while the images are processed.
import type { Config } from '../config/schema.ts';
import type { PathsConfig } from '../config/paths.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import { listTypes, preprocessComponent, type ComponentOutcome } from '../pipeline/preprocess.ts';
import type { Reporter } from '../pipeline/report.ts';
import type { WorkerPool } from '../pipeline/workers/pool.ts';
import { preprocessingTags, recordPreprocessingRun } from './runs.ts';

export interface DemoRun {
  type: string;
  runId: string;
  status: 'FINISHED' | 'FAILED';
}

export interface PreprocessingStep {
  outcome: ComponentOutcome;
  runs: DemoRun[];
}

export interface PreprocessingParams {
  client: MlflowClient;
  experimentId: string;
  /** <component>/<type>/: the training images. */
  componentDir: string;
  component: string;
  config: Config;
  paths: PathsConfig;
  pool: WorkerPool;
  reporter: Reporter;
}

/** Ends runs that will get no more data, as far as the server still answers: the original error matters more. */
async function failRuns(client: MlflowClient, runIds: string[]): Promise<void> {
  await Promise.allSettled(runIds.map((runId) => client.updateRun(runId, { status: 'FAILED' })));
}

export async function preprocessWithRuns(p: PreprocessingParams): Promise<PreprocessingStep> {
  const { client, component } = p;
  const types = await listTypes(p.componentDir);
  const startTime = Date.now();
  const created = await Promise.all(
    types.map((type) => client.createRun({ experimentId: p.experimentId, runName: `preprocess-${type}`, tags: preprocessingTags(component, type), startTime })),
  );
  const runIds = new Map(types.map((type, i) => [type, created[i]!.info.runId]));

  let outcome: ComponentOutcome;
  try {
    outcome = await preprocessComponent({ componentDir: p.componentDir, component, config: p.config, paths: p.paths, workers: p.pool.size, pool: p.pool, reporter: p.reporter });
  } catch (err) {
    await failRuns(client, [...runIds.values()]);
    throw err;
  }

  const logging = p.reporter.step('mlflow: log preprocessing runs', outcome.types.length);
  const runs: DemoRun[] = [];
  try {
    for (const typeOutcome of outcome.types) {
      const runId = runIds.get(typeOutcome.type)!;
      const outputs = p.paths.outputs('train', component, typeOutcome.type);
      const figures = p.paths.resolve('figures_path', { component, type: typeOutcome.type });
      const status = await recordPreprocessingRun(client, { runId, outcome: typeOutcome, config: p.config, dirs: { metadata: outputs.metadata, logs: outputs.logs, figures } });
      runs.push({ type: typeOutcome.type, runId, status });
      logging.progress(runs.length, outcome.types.length);
    }
  } catch (err) {
    await failRuns(client, [...runIds.values()].filter((runId) => !runs.some((r) => r.runId === runId)));
    throw err;
  }
  logging.end(`${runs.length} runs`);
  return { outcome, runs };
}
