// Shapes of the server's answers: MLflow's REST objects and pixal's dashboard API (notes/dashboard.md).

/** Every failed call becomes one of these; status 0 = the server could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

// ---- MLflow ----
export interface KeyValue {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time?: number;
  last_update_time?: number;
  tags?: KeyValue[];
}

export interface RunInfo {
  run_id: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: 'active' | 'deleted';
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface DatasetInput {
  tags?: KeyValue[];
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
}

export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: DatasetInput[] };
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface ArtifactList {
  root_uri?: string;
  files?: FileInfo[];
  next_page_token?: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  run_link?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

// ---- pixal dashboard API ----
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type RunViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface RunRow {
  run_id: string;
  run_name: string;
  experiment_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  parent_run_id: string | null;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

export interface RunsTable {
  runs: RunRow[];
  params: string[];
  metrics: string[];
  tags: string[];
}

/** A run's keys and values of one kind, as columns: each distinct key list once. */
export interface KeyedColumns<V> {
  /** The chunk's distinct key lists, each sorted. */
  keys: string[][];
  /** Per run: which key list it has. */
  key_set: number[];
  /** Per run: its values, in the order of its key list. */
  values: V[][];
}

/**
 * One line of `POST /api/pixal/runs/table` with `format: 'columns'` (NDJSON): the next runs of the
 * table in order, as columns. The first line carries the first screenful; `total` is the table's length.
 */
export interface RunsChunk {
  total: number;
  run_id: string[];
  run_name: string[];
  experiment_id: string[];
  status: RunStatus[];
  start_time: number[];
  end_time: (number | null)[];
  params: KeyedColumns<string>;
  /** NaN and the infinities arrive as protobuf-JSON strings ("NaN"). */
  metrics: KeyedColumns<number | string>;
  tags: KeyedColumns<string>;
}

export type XAxis = 'step' | 'time';

export interface HistorySeries {
  run_id: string;
  key: string;
  total_points: number;
  /** [x, y] ascending in x; x = step, or timestamp in ms. */
  points: [number, number][];
}

/** A history as `format: 'columns'` sends it: the same points as two arrays. */
export interface HistoryColumns {
  run_id: string;
  key: string;
  total_points: number;
  x: number[];
  y: number[];
}

export type JobStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface Job {
  job_id: string;
  kind: 'validate';
  status: JobStatus;
  params: { input_dir: string; run_id?: string; model_uri?: string };
  progress: { done: number; total: number; stage: string };
  error: string | null;
  result_run_ids: string[];
  log_tail: string;
  created_time: number;
  updated_time: number;
}

export interface FolderEntry {
  name: string;
  path: string;
  is_dir: boolean;
  images: number;
  /** Counting stopped at the server's budget: `images` is a lower bound. */
  images_capped: boolean;
}

export interface FolderListing {
  path: string;
  parent: string | null;
  entries: FolderEntry[];
}

export interface Validation {
  run_id: string;
  run_name: string;
  start_time: number;
  status: RunStatus;
  source_run_id: string | null;
  model_uri: string | null;
  dataset_digest: string | null;
  input_dir: string | null;
  metrics: Record<string, number>;
  plots: string[];
}

export interface PromotionEvent {
  id: number;
  model: string;
  kind: string;
  version: string;
  alias?: string;
  from?: string;
  to?: string;
  user: string;
  time: number;
}

// ---- live events (GET /api/pixal/events) ----
export interface RunEvent {
  run_id: string;
  experiment_id: string;
  status: RunStatus;
  run_name: string;
}

export interface MetricsEvent {
  run_id: string;
  points: Metric[];
}

export interface AliasEvent {
  model: string;
  alias: string;
  version: string | null;
}
