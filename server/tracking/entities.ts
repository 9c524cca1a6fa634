// The tracking entities as MLflow's protobuf-JSON renders them: snake_case, unset fields and
// empty lists omitted, doubles NaN/±Infinity as strings. Field order follows the protos.

export interface KeyValue {
  key: string;
  value: string;
}

export interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface RunRow {
  run_uuid: string;
  experiment_id: number;
  run_name: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: string;
}

export interface MetricRow {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

export interface DatasetJson {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInputJson {
  tags?: KeyValue[];
  dataset: DatasetJson;
}

/** The tag MLflow keeps equal to a run's name. */
export const RUN_NAME_TAG = 'mlflow.runName';

/** Every experiment lives in MLflow 3's single default workspace. */
const WORKSPACE = 'default';

/** A protobuf double in JSON: NaN and the infinities travel as strings. */
export function jsonDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** Adds `key: list` only when the list is non-empty, as protobuf-JSON does. */
function withList<T extends object, V>(target: T, key: string, list: V[]): T {
  if (list.length > 0) (target as Record<string, unknown>)[key] = list;
  return target;
}

export function experimentJson(row: ExperimentRow, tags: KeyValue[]): object {
  const out = {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage,
    last_update_time: row.last_update_time,
    creation_time: row.creation_time,
  };
  withList(out, 'tags', tags);
  return { ...out, workspace: WORKSPACE };
}

export function runInfoJson(row: RunRow): object {
  return {
    run_uuid: row.run_uuid,
    experiment_id: String(row.experiment_id),
    run_name: row.run_name,
    user_id: row.user_id,
    status: row.status,
    start_time: row.start_time,
    ...(row.end_time === null ? {} : { end_time: row.end_time }),
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage,
    run_id: row.run_uuid,
  };
}

export function metricJson(m: MetricRow): { key: string; value: number | string; timestamp: number; step: number } {
  return { key: m.key, value: m.is_nan ? 'NaN' : jsonDouble(m.value), timestamp: m.timestamp, step: m.step };
}

export interface RunParts {
  metrics: MetricRow[];
  params: KeyValue[];
  tags: KeyValue[];
  datasetInputs: DatasetInputJson[];
}

/** A whole run; `outputs: {}` appears in get/search answers but not in create's, as in MLflow. */
export function runJson(row: RunRow, parts: RunParts, withOutputs: boolean): object {
  const data = {};
  withList(data, 'metrics', parts.metrics.map(metricJson));
  withList(data, 'params', parts.params);
  withList(data, 'tags', parts.tags);
  const run = { info: runInfoJson(row), data, inputs: withList({}, 'dataset_inputs', parts.datasetInputs) };
  return withOutputs ? { ...run, outputs: {} } : run;
}
