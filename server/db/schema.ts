// The tracking store's tables. Timestamps are milliseconds since the epoch, as MLflow sends them.
// Metric history is one row per point with an index on (run, key, step); the latest value per
// (run, key) is kept in its own table so run search and get-run never scan the history.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const experiments = sqliteTable('experiments', {
  experimentId: integer('experiment_id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  artifactLocation: text('artifact_location').notNull(),
  lifecycleStage: text('lifecycle_stage').notNull().default('active'),
  creationTime: integer('creation_time').notNull(),
  lastUpdateTime: integer('last_update_time').notNull(),
});

export const experimentTags = sqliteTable(
  'experiment_tags',
  {
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.key] })],
);

export const runs = sqliteTable(
  'runs',
  {
    runUuid: text('run_uuid').primaryKey(),
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    runName: text('run_name').notNull(),
    userId: text('user_id').notNull().default(''),
    status: text('status').notNull().default('RUNNING'),
    startTime: integer('start_time').notNull(),
    endTime: integer('end_time'),
    artifactUri: text('artifact_uri').notNull(),
    lifecycleStage: text('lifecycle_stage').notNull().default('active'),
    deletedTime: integer('deleted_time'),
  },
  (t) => [
    index('runs_experiment_stage_start').on(t.experimentId, t.lifecycleStage, t.startTime),
    index('runs_start_time').on(t.startTime),
  ],
);

export const params = sqliteTable(
  'params',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index('params_key_value').on(t.key, t.value)],
);

export const runTags = sqliteTable(
  'run_tags',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index('run_tags_key_value').on(t.key, t.value)],
);

/** Every logged point. NaN cannot be stored as a SQLite REAL (it becomes NULL), hence `is_nan`. */
export const metrics = sqliteTable(
  'metrics',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    step: integer('step').notNull().default(0),
    timestamp: integer('timestamp').notNull(),
    value: real('value').notNull(),
    isNan: integer('is_nan', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('metrics_run_key_step').on(t.runUuid, t.key, t.step, t.timestamp)],
);

/** The max of (step, timestamp, value) per run and key: what get-run and search see. */
export const latestMetrics = sqliteTable(
  'latest_metrics',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    step: integer('step').notNull(),
    timestamp: integer('timestamp').notNull(),
    value: real('value').notNull(),
    isNan: integer('is_nan', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index('latest_metrics_key_value').on(t.key, t.value)],
);

export const datasets = sqliteTable(
  'datasets',
  {
    datasetUuid: text('dataset_uuid').primaryKey(),
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    digest: text('digest').notNull(),
    sourceType: text('source_type').notNull(),
    source: text('source').notNull(),
    schema: text('schema'),
    profile: text('profile'),
  },
  (t) => [uniqueIndex('datasets_experiment_name_digest').on(t.experimentId, t.name, t.digest)],
);

/** A run's dataset inputs; `tags` is the input's tag list as JSON ([{key, value}]). */
export const runInputs = sqliteTable(
  'run_inputs',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    datasetUuid: text('dataset_uuid')
      .notNull()
      .references(() => datasets.datasetUuid, { onDelete: 'cascade' }),
    tags: text('tags').notNull().default('[]'),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.datasetUuid] })],
);

export const registeredModels = sqliteTable('registered_models', {
  name: text('name').primaryKey(),
  creationTime: integer('creation_time').notNull(),
  lastUpdatedTime: integer('last_updated_time').notNull(),
  description: text('description').notNull().default(''),
});

export const registeredModelTags = sqliteTable(
  'registered_model_tags',
  {
    name: text('name')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.key] })],
);

export const modelVersions = sqliteTable(
  'model_versions',
  {
    name: text('name')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    version: integer('version').notNull(),
    creationTime: integer('creation_time').notNull(),
    lastUpdatedTime: integer('last_updated_time').notNull(),
    description: text('description').notNull().default(''),
    userId: text('user_id').notNull().default(''),
    currentStage: text('current_stage').notNull().default('None'),
    source: text('source').notNull(),
    runId: text('run_id').notNull().default(''),
    runLink: text('run_link').notNull().default(''),
    status: text('status').notNull().default('READY'),
    statusMessage: text('status_message').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] }), index('model_versions_run_id').on(t.runId)],
);

export const modelVersionTags = sqliteTable(
  'model_version_tags',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version, t.key] })],
);

export const registeredModelAliases = sqliteTable(
  'registered_model_aliases',
  {
    name: text('name')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    alias: text('alias').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.alias] })],
);

/**
 * Append-only audit trail of promotions, which MLflow does not keep: every alias set, moved or
 * removed and every stage transition. `fromValue`/`toValue` hold versions for alias events and
 * stage names for stage transitions.
 */
export const promotionEvents = sqliteTable(
  'promotion_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    modelName: text('model_name').notNull(),
    kind: text('kind', { enum: ['alias_set', 'alias_moved', 'alias_removed', 'stage_transition'] }).notNull(),
    alias: text('alias'),
    version: integer('version').notNull(),
    fromValue: text('from_value'),
    toValue: text('to_value'),
    userId: text('user_id').notNull().default(''),
    time: integer('time').notNull().default(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`),
  },
  (t) => [index('promotion_events_model_time').on(t.modelName, t.time)],
);

/**
 * Dashboard jobs (validations launched from the web page). `params`, `progress` and
 * `result_run_ids` are JSON; `owner_pid` is the server process that runs the job, so that a
 * server starting on the same store fails only the jobs whose server is gone.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    jobId: text('job_id').primaryKey(),
    kind: text('kind', { enum: ['validate'] }).notNull(),
    status: text('status', { enum: ['QUEUED', 'RUNNING', 'FINISHED', 'FAILED'] }).notNull(),
    params: text('params').notNull(),
    progress: text('progress').notNull(),
    error: text('error'),
    resultRunIds: text('result_run_ids').notNull().default('[]'),
    logTail: text('log_tail').notNull().default(''),
    ownerPid: integer('owner_pid').notNull(),
    createdTime: integer('created_time').notNull(),
    updatedTime: integer('updated_time').notNull(),
  },
  (t) => [index('jobs_created_time').on(t.createdTime), index('jobs_status').on(t.status)],
);

/**
 * Min and max of every metric history per bucket of steps (bucket = floor(step / width), widths
 * 16, 32, ... 65536), so sampled histories of long runs read a few hundred rows instead of every
 * point. Kept by server/dashboard/rollups.ts from the metric points after `metric_rollup_state`'s
 * watermark (points are only ever appended, with increasing ids). `points` counts NaN values too;
 * min/max leave them out (NULL when a bucket holds only NaN).
 */
export const metricRollups = sqliteTable(
  'metric_rollups',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    width: integer('width').notNull(),
    bucket: integer('bucket').notNull(),
    points: integer('points').notNull(),
    minStep: integer('min_step'),
    minTimestamp: integer('min_timestamp'),
    minValue: real('min_value'),
    maxStep: integer('max_step'),
    maxTimestamp: integer('max_timestamp'),
    maxValue: real('max_value'),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key, t.width, t.bucket] })],
);

/** The id of the last metric point folded into metric_rollups (one row, id 1). */
export const metricRollupState = sqliteTable('metric_rollup_state', {
  id: integer('id').primaryKey(),
  lastMetricId: integer('last_metric_id').notNull(),
});

/**
 * The remote MLflow server this store mirrors (one row, id 1; none: not a mirror). A store is bound
 * to one remote for good: its experiment and run ids are the remote's. `counts` is the last pass's
 * report as JSON.
 */
export const mirrorState = sqliteTable('mirror_state', {
  id: integer('id').primaryKey(),
  remoteUrl: text('remote_url').notNull(),
  created: integer('created').notNull(),
  lastSyncStarted: integer('last_sync_started'),
  lastSyncFinished: integer('last_sync_finished'),
  lastSuccess: integer('last_success'),
  lastError: text('last_error'),
  counts: text('counts'),
});
