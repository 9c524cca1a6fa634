// MLflow's REST entities as the client reads them: zod schemas for the server's protobuf-JSON
// (snake_case, unset fields omitted, int64 as number or string, NaN/Infinity as strings), turned
// into camelCase objects, and the wire forms the client writes.
import { z } from 'zod';

const SPECIAL_DOUBLES = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity } as const;

const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform(Number);
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)]).transform((v) =>
  typeof v === 'number' ? v : v in SPECIAL_DOUBLES ? SPECIAL_DOUBLES[v as keyof typeof SPECIAL_DOUBLES] : Number(v),
);

/** A double as protobuf-JSON writes it: JSON has no NaN or Infinity. */
export function wireDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

const keyValueSchema = z.object({ key: z.string(), value: z.string().default('') });
export type KeyValue = z.output<typeof keyValueSchema>;
const keyValues = z.array(keyValueSchema).default([]);

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type EndStatus = Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'>;

export const experimentSchema = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: z.string().default(''),
    lifecycle_stage: z.string(),
    creation_time: int64.optional(),
    last_update_time: int64.optional(),
    tags: keyValues,
  })
  .transform((e) => ({
    experimentId: e.experiment_id,
    name: e.name,
    artifactLocation: e.artifact_location,
    lifecycleStage: e.lifecycle_stage,
    creationTime: e.creation_time,
    lastUpdateTime: e.last_update_time,
    tags: e.tags,
  }));
export type Experiment = z.output<typeof experimentSchema>;

export const metricSchema = z
  .object({ key: z.string(), value: double, timestamp: int64, step: int64.default(0) })
  .transform((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step }));
/** One point of a metric's history. */
export type MetricPoint = z.output<typeof metricSchema>;

export const runInfoSchema = z
  .object({
    run_id: z.string(),
    run_name: z.string().default(''),
    experiment_id: z.string(),
    user_id: z.string().default(''),
    status: z.enum(RUN_STATUSES),
    start_time: int64.optional(),
    end_time: int64.optional(),
    artifact_uri: z.string().default(''),
    lifecycle_stage: z.string(),
  })
  .transform((i) => ({
    runId: i.run_id,
    runName: i.run_name,
    experimentId: i.experiment_id,
    userId: i.user_id,
    status: i.status,
    startTime: i.start_time,
    endTime: i.end_time,
    artifactUri: i.artifact_uri,
    lifecycleStage: i.lifecycle_stage,
  }));
export type RunInfo = z.output<typeof runInfoSchema>;

const datasetInputSchema = z.object({
  tags: keyValues,
  dataset: z.object({
    name: z.string(),
    digest: z.string(),
    source_type: z.string().default(''),
    source: z.string().default(''),
    schema: z.string().optional(),
    profile: z.string().optional(),
  }),
});

export const runSchema = z
  .object({
    info: runInfoSchema,
    data: z.object({ metrics: z.array(metricSchema).default([]), params: keyValues, tags: keyValues }).default({}),
    inputs: z.object({ dataset_inputs: z.array(datasetInputSchema).default([]) }).default({}),
  })
  .transform((r) => ({ info: r.info, data: r.data, datasetInputs: r.inputs.dataset_inputs }));
export type Run = z.output<typeof runSchema>;

/** A dataset for runs/log-inputs, in MLflow's field names (they travel as they are). */
export interface DatasetInput {
  tags?: KeyValue[];
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
}

export const fileInfoSchema = z
  .object({ path: z.string(), is_dir: z.boolean().default(false), file_size: int64.optional() })
  .transform((f) => ({ path: f.path, isDir: f.is_dir, fileSize: f.file_size }));
export type FileInfo = z.output<typeof fileInfoSchema>;

export const modelVersionSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    description: z.string().default(''),
    source: z.string().default(''),
    run_id: z.string().default(''),
    status: z.string().default(''),
    current_stage: z.string().default(''),
    tags: keyValues,
    aliases: z.array(z.string()).default([]),
  })
  .transform((v) => ({
    name: v.name,
    version: v.version,
    creationTimestamp: v.creation_timestamp,
    lastUpdatedTimestamp: v.last_updated_timestamp,
    description: v.description,
    source: v.source,
    runId: v.run_id,
    status: v.status,
    currentStage: v.current_stage,
    tags: v.tags,
    aliases: v.aliases,
  }));
export type ModelVersion = z.output<typeof modelVersionSchema>;

export const registeredModelSchema = z
  .object({
    name: z.string(),
    creation_timestamp: int64.optional(),
    last_updated_timestamp: int64.optional(),
    description: z.string().default(''),
    tags: keyValues,
    aliases: z.array(z.object({ alias: z.string(), version: z.string() })).default([]),
  })
  .transform((m) => ({
    name: m.name,
    creationTimestamp: m.creation_timestamp,
    lastUpdatedTimestamp: m.last_updated_timestamp,
    description: m.description,
    tags: m.tags,
    aliases: m.aliases,
  }));
export type RegisteredModel = z.output<typeof registeredModelSchema>;

/** The server's error envelope; anything else (a proxy's HTML page) is kept as text. */
export const errorBodySchema = z.object({ error_code: z.string(), message: z.string().default('') });
