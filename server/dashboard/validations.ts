// Validation runs (tag pixal.kind=validation, written by trainer/validation/validate.ts) with what
// the history pages show: the source run and model, the dataset digest, the input folder (param
// `input`), the latest metrics and the PNG figures in the run's artifacts.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/open.ts';
import { storePathOf } from '../artifacts/run-artifacts.ts';
import { STAGE_DELETED_INTERNAL } from '../registry/validation.ts';

export interface Validation {
  run_id: string;
  run_name: string;
  start_time: number;
  status: string;
  source_run_id: string | null;
  model_uri: string | null;
  dataset_digest: string | null;
  input_dir: string | null;
  metrics: Record<string, number | string>;
  /** PNG artifact paths relative to the run's artifact root, plots/ first. */
  plots: string[];
}

export interface ValidationQuery {
  sourceRunId?: string;
  /** Validations of any version's source run of this registered model. */
  model?: string;
  limit: number;
}

interface Row {
  run_uuid: string;
  run_name: string;
  start_time: number;
  status: string;
  artifact_uri: string;
  source_run_id: string | null;
  model_uri: string | null;
  dataset_digest: string | null;
  input_dir: string | null;
  metrics: string;
}

const tag = (key: string) => `(SELECT value FROM run_tags WHERE run_uuid = r.run_uuid AND key = '${key}')`;
const IS_VALIDATION = "EXISTS (SELECT 1 FROM run_tags k WHERE k.run_uuid = r.run_uuid AND k.key = 'pixal.kind' AND k.value = 'validation')";
const SOURCE_IS = "EXISTS (SELECT 1 FROM run_tags s WHERE s.run_uuid = r.run_uuid AND s.key = 'pixal.source_run_id' AND s.value = ?)";
const SOURCE_OF_MODEL = `EXISTS (SELECT 1 FROM run_tags s JOIN model_versions v ON v.run_id = s.value
  WHERE s.run_uuid = r.run_uuid AND s.key = 'pixal.source_run_id' AND v.name = ? AND v.current_stage != '${STAGE_DELETED_INTERNAL}')`;

export async function listValidations(db: Db, artifactsRoot: string, q: ValidationQuery): Promise<Validation[]> {
  const where = ["r.lifecycle_stage = 'active'", IS_VALIDATION];
  const params: unknown[] = [];
  if (q.sourceRunId !== undefined) {
    where.push(SOURCE_IS);
    params.push(q.sourceRunId);
  }
  if (q.model !== undefined) {
    where.push(SOURCE_OF_MODEL);
    params.push(q.model);
  }
  const rows = db.$client
    .prepare<unknown[], Row>(
      `SELECT r.run_uuid, r.run_name, r.start_time, r.status, r.artifact_uri,
         ${tag('pixal.source_run_id')} AS source_run_id, ${tag('pixal.model_uri')} AS model_uri, ${tag('pixal.dataset_digest')} AS dataset_digest,
         (SELECT value FROM params WHERE run_uuid = r.run_uuid AND key = 'input') AS input_dir,
         (SELECT json_group_object(key, CASE WHEN is_nan THEN 'NaN' ELSE value END) FROM latest_metrics WHERE run_uuid = r.run_uuid) AS metrics
       FROM runs r WHERE ${where.join(' AND ')} ORDER BY r.start_time DESC, r.run_uuid LIMIT ?`,
    )
    .all(...params, q.limit);
  return Promise.all(
    rows.map(async (r) => ({
      run_id: r.run_uuid,
      run_name: r.run_name,
      start_time: r.start_time,
      status: r.status,
      source_run_id: r.source_run_id,
      model_uri: r.model_uri,
      dataset_digest: r.dataset_digest,
      input_dir: r.input_dir,
      metrics: JSON.parse(r.metrics) as Record<string, number | string>,
      plots: await pngArtifacts(artifactsRoot, r.artifact_uri),
    })),
  );
}

/** Every PNG under the run's artifact folder; none when its artifacts live elsewhere. */
async function pngArtifacts(artifactsRoot: string, artifactUri: string): Promise<string[]> {
  let dir: string;
  try {
    dir = join(artifactsRoot, storePathOf(artifactUri));
  } catch {
    return [];
  }
  const files = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const pngs = files.map((f) => f.split('\\').join('/')).filter((f) => /\.png$/i.test(f));
  const rank = (f: string) => (f.startsWith('plots/') ? 0 : 1);
  return pngs.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Validation runs of a source run started at or after `since` (a job's results when its output named none). */
export function validationRunsSince(db: Db, sourceRunId: string, since: number): string[] {
  return db.$client
    .prepare<[string, number], string>(`SELECT r.run_uuid FROM runs r WHERE ${IS_VALIDATION} AND ${SOURCE_IS} AND r.start_time >= ? ORDER BY r.start_time, r.run_uuid`)
    .pluck()
    .all(sourceRunId, since);
}
