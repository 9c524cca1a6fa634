// `pixal sweep`: every point of a grid over preprocessing and training keys, as child runs of one parent run
// (tag mlflow.parentRunId), so the grid shows as a group in MLflow and in our dashboard. All points' configs are
// validated before any work; preprocessing runs once per distinct preprocessing config (PreprocessingCache);
// a point that fails is recorded and the others go on. The parent run ends with the best point's val_loss.
import type { PathsConfig } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import { VALUE_LIMITS } from '../mlflow/batch.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import type { Reporter } from '../pipeline/report.ts';
import type { WorkerPool } from '../pipeline/workers/pool.ts';
import type { TrainingUnit } from '../runs/datasets.ts';
import type { TrainingRunOutcome } from '../runs/training-run.ts';
import { PIXAL_VERSION } from '../version.ts';
import { pointLabel, type GridAxis, type GridPoint } from './grid.ts';
import { PreprocessingCache } from './preprocessing-cache.ts';

/** Keys trainingRunName already shows; other grid keys are appended to the child run names. */
const NAMED_KEYS = new Set(['preprocessing.preprocessor.channels', 'preprocessing.preprocessor.pool_size', 'model_training.model_kind']);

/** What the sweep needs of a training session (trainer/cli/training-session.ts). */
export interface SweepTrainer {
  readonly signal: AbortSignal;
  load(componentDir: string, types: string[] | undefined, config: Config): Promise<TrainingUnit[]>;
  train(p: { units: TrainingUnit[]; experimentId: string; paths: PathsConfig; config: Config; parentRunId: string; nameSuffix?: string; tags: Record<string, string> }): Promise<TrainingRunOutcome[]>;
}

export interface SweepPoint {
  index: number;
  point: GridPoint;
  config: Config;
}

export interface PointOutcome {
  index: number;
  label: string;
  runs: TrainingRunOutcome[];
  preprocessing?: { key: string; cached: boolean };
  /** Why the point trained nothing (preprocessing or dataset error). */
  error?: string;
}

export interface SweepParams {
  client: MlflowClient;
  experimentId: string;
  trainer: SweepTrainer;
  /** The raw images: <component>/<type>/*.png, as pixal preprocess takes them. */
  componentDir: string;
  component: string;
  types?: string[];
  axes: GridAxis[];
  points: SweepPoint[];
  paths: PathsConfig;
  pool: WorkerPool;
  reporter: Reporter;
  /** Printed as each point starts. */
  onPoint?: (line: string) => void;
}

export interface SweepOutcome {
  parentRunId: string;
  status: 'FINISHED' | 'FAILED' | 'KILLED';
  points: PointOutcome[];
  best?: { index: number; runId: string; valLoss: number };
}

function nameSuffix(point: GridPoint): string {
  return Object.entries(point.choices)
    .filter(([key]) => !NAMED_KEYS.has(key))
    .map(([key, value]) => `-${key.split('.').at(-1)}=${value.replace(/\s+/g, '')}`)
    .join('');
}

export async function runSweep(p: SweepParams): Promise<SweepOutcome> {
  const parent = await p.client.createRun({
    experimentId: p.experimentId,
    runName: `sweep-${p.component}-${p.axes.map((a) => a.key.split('.').at(-1)).join('x')}`,
    tags: {
      'pixal.kind': 'sweep',
      'pixal.component': p.component,
      'pixal.grid': JSON.stringify(p.axes.map((a) => ({ key: a.key, values: a.values }))).slice(0, VALUE_LIMITS.tag),
      'pixal.points': String(p.points.length),
      'pixal.version': PIXAL_VERSION,
      'mlflow.source.name': 'pixal sweep',
    },
  });
  const parentRunId = parent.info.runId;
  const logger = p.client.runLogger(parentRunId);
  logger.logParams(Object.fromEntries(p.axes.map((a) => [`grid.${a.key}`, JSON.stringify(a.values).slice(0, VALUE_LIMITS.param)])));

  const cache = new PreprocessingCache(p.componentDir);
  const outcomes: PointOutcome[] = [];
  for (const { index, point, config } of p.points) {
    if (p.trainer.signal.aborted) break;
    const label = pointLabel(point);
    p.onPoint?.(`point ${index + 1}/${p.points.length}: ${label}`);
    const outcome: PointOutcome = { index, label, runs: [] };
    outcomes.push(outcome);
    try {
      const prepared = await cache.ensure({ config, paths: p.paths, pool: p.pool, reporter: p.reporter });
      outcome.preprocessing = { key: prepared.key, cached: prepared.cached };
      const units = await p.trainer.load(prepared.componentDir, p.types, config);
      const suffix = nameSuffix(point);
      outcome.runs = await p.trainer.train({
        units,
        experimentId: p.experimentId,
        paths: prepared.paths,
        config,
        parentRunId,
        ...(suffix ? { nameSuffix: suffix } : {}),
        tags: { 'pixal.sweep_point': label, 'pixal.sweep_index': String(index), 'pixal.preprocessing_key': prepared.key },
      });
    } catch (err) {
      outcome.error = err instanceof Error ? err.message : String(err);
    }
  }

  let best: SweepOutcome['best'];
  for (const o of outcomes) {
    for (const run of o.runs) {
      if (run.status === 'FINISHED' && run.result && (!best || run.result.bestValLoss < best.valLoss)) best = { index: o.index, runId: run.runId, valLoss: run.result.bestValLoss };
    }
  }
  const failed = outcomes.filter((o) => o.error || o.runs.some((r) => r.status === 'FAILED'));
  const killed = p.trainer.signal.aborted || outcomes.some((o) => o.runs.some((r) => r.status === 'KILLED'));
  const status = failed.length ? 'FAILED' : killed ? 'KILLED' : 'FINISHED';
  if (best) {
    logger.logMetrics({ best_val_loss: best.valLoss, finished_points: outcomes.filter((o) => o.runs.length && o.runs.every((r) => r.status === 'FINISHED')).length });
    logger.setTags({ 'pixal.best_run_id': best.runId, 'pixal.best_point': outcomes.find((o) => o.index === best!.index)!.label });
  }
  if (failed.length) logger.setTag('pixal.error', failed.map((o) => `${o.label}: ${o.error ?? 'a run failed'}`).join('\n').slice(0, VALUE_LIMITS.tag));
  await logger.close({ endStatus: status });
  return { parentRunId, status, points: outcomes, ...(best ? { best } : {}) };
}

/** The summary: one line per point, best val_loss first, failures last. */
export function sweepSummary(outcome: SweepOutcome): string[] {
  const rows = outcome.points.map((o) => {
    const losses = o.runs.filter((r) => r.result).map((r) => r.result!.bestValLoss);
    const loss = losses.length ? Math.max(...losses) : Number.POSITIVE_INFINITY;
    return { o, loss };
  });
  rows.sort((a, b) => a.loss - b.loss);
  return [
    `sweep ${outcome.status}: ${outcome.points.length} points, parent run ${outcome.parentRunId}`,
    ...rows.map(({ o, loss }) => {
      const mark = outcome.best?.index === o.index ? ' (best)' : '';
      const cached = o.preprocessing ? ` [preprocessing ${o.preprocessing.key}${o.preprocessing.cached ? ', cached' : ''}]` : '';
      if (o.error) return `  ${o.label}: FAILED: ${o.error.split('\n')[0]}`;
      const statuses = [...new Set(o.runs.map((r) => r.status))].join('/');
      return `  ${o.label}: ${statuses}, worst type's best val_loss ${Number.isFinite(loss) ? loss.toPrecision(4) : '-'}${mark}${cached}`;
    }),
  ];
}
