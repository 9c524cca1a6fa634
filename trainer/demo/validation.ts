// The demo's validation: the models of each sweep point on the dataset's labelled test images (a validation run
// per model, with its plots), point by point since one validation serves each type with one model. A point whose
// validation fails is reported and the others go on.
import type { PathsConfig } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import type { Reporter } from '../pipeline/report.ts';
import type { WorkerPool } from '../pipeline/workers/pool.ts';
import type { PointOutcome } from '../sweep/sweep.ts';
import { fetchModel, type TrainedModel } from '../validation/model-source.ts';
import { validateComponent, type ValidateOutcome } from '../validation/validate.ts';
import type { Candidate } from './promotion.ts';

export interface PointValidation {
  point: PointOutcome;
  outcome?: ValidateOutcome;
  error?: string;
}

export interface ValidatePointsParams {
  client: MlflowClient;
  points: readonly PointOutcome[];
  /** <data>/test/<component>: labelled images per type. */
  input: string;
  config: Config;
  paths: PathsConfig;
  pool: WorkerPool;
  /** Where fetched models are kept. */
  modelsDir: string;
  reporter: Reporter;
  onPoint?: (line: string) => void;
}

export async function validatePoints(p: ValidatePointsParams): Promise<PointValidation[]> {
  const results: PointValidation[] = [];
  for (const point of p.points) {
    const finished = point.runs.filter((r) => r.status === 'FINISHED');
    if (finished.length === 0) continue;
    p.onPoint?.(`validate ${point.label}`);
    const models: TrainedModel[] = [];
    try {
      for (const run of finished) models.push(await fetchModel(p.client, { runId: run.runId }, p.modelsDir));
      const outcome = await validateComponent({ client: p.client, componentDir: p.input, models, config: p.config, paths: p.paths, pool: p.pool, reporter: p.reporter });
      results.push({ point, outcome });
    } catch (err) {
      results.push({ point, error: err instanceof Error ? err.message : String(err) });
    } finally {
      for (const m of models) (m.tiled ?? m.model).dispose();
    }
  }
  return results;
}

/** Every finished validation as a candidate for promotion, in grid order. */
export function candidatesOf(validations: readonly PointValidation[]): Candidate[] {
  return validations.flatMap(({ point, outcome }) =>
    (outcome?.validations ?? [])
      .filter((v) => v.status === 'FINISHED' && v.runId)
      .flatMap((v) =>
        v.types.map((type) => ({
          type,
          runId: v.model.runId,
          runName: point.runs.find((r) => r.runId === v.model.runId)?.runName ?? v.model.runId,
          point: point.label,
          validationRunId: v.runId!,
          ...(v.summary?.metrics.image_auroc !== undefined ? { imageAuroc: v.summary.metrics.image_auroc } : {}),
          ...(v.summary?.metrics.pixel_auroc !== undefined ? { pixelAuroc: v.summary.metrics.pixel_auroc } : {}),
        })),
      ),
  );
}
