// What the remote's answers look like (MLflow's protobuf-JSON), checked at the boundary. Lenient
// where MLflow's rendering varies: int64 as number or string, doubles NaN/±Infinity as strings,
// empty lists left out.
import { z } from 'zod';

const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);
const optionalInt64 = int64.optional();
/** A protobuf double: a number, or "NaN" / "Infinity" / "-Infinity". */
const double = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'string' && Number.isNaN(n) && v !== 'NaN') {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a double: ${v}` });
    return z.NEVER;
  }
  return n;
});
const keyValues = z
  .array(z.object({ key: z.string(), value: z.string().default('') }))
  .optional()
  .transform((l) => l ?? []);

/** The store keys experiments by integer, as MLflow's SQL store does. */
const experimentId = z.string().regex(/^\d+$/, 'an integer experiment id');

export const RemoteExperiment = z.object({
  experiment_id: experimentId,
  name: z.string(),
  artifact_location: z.string().default(''),
  lifecycle_stage: z.string().default('active'),
  creation_time: optionalInt64,
  last_update_time: optionalInt64,
  tags: keyValues,
});
export type RemoteExperiment = z.infer<typeof RemoteExperiment>;

export const ExperimentsPage = z.object({ experiments: z.array(RemoteExperiment).default([]), next_page_token: z.string().optional() });

export const RemoteMetric = z.object({ key: z.string(), value: double, timestamp: int64, step: int64.default(0) });
export type RemoteMetric = z.infer<typeof RemoteMetric>;

const Dataset = z.object({
  name: z.string().default(''),
  digest: z.string().default(''),
  source_type: z.string().default(''),
  source: z.string().default(''),
  schema: z.string().optional(),
  profile: z.string().optional(),
});

export const RemoteRun = z.object({
  info: z.object({
    run_id: z.string().optional(),
    run_uuid: z.string().optional(),
    experiment_id: experimentId,
    run_name: z.string().default(''),
    user_id: z.string().default(''),
    status: z.string().default('RUNNING'),
    start_time: optionalInt64,
    end_time: optionalInt64,
    artifact_uri: z.string().default(''),
    lifecycle_stage: z.string().default('active'),
  }),
  data: z
    .object({ metrics: z.array(RemoteMetric).optional(), params: keyValues, tags: keyValues })
    .default({})
    .transform((d) => ({ metrics: d.metrics ?? [], params: d.params ?? [], tags: d.tags ?? [] })),
  inputs: z
    .object({ dataset_inputs: z.array(z.object({ tags: keyValues, dataset: Dataset })).optional() })
    .default({})
    .transform((i) => i.dataset_inputs ?? []),
});
export type RemoteRun = z.infer<typeof RemoteRun>;

export const RunsPage = z.object({ runs: z.array(RemoteRun).default([]), next_page_token: z.string().optional() });

const MetricsEnvelope = z.object({ metrics: z.array(z.unknown()).default([]), next_page_token: z.string().optional() });

export interface RemotePoint extends RemoteMetric {
  /** Set by the bulk endpoints. */
  run_id: string;
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity };

function pointField(m: Record<string, unknown>, field: 'value' | 'timestamp' | 'step'): number | undefined {
  const v = m[field];
  if (typeof v === 'number') return field === 'value' || Number.isInteger(v) ? v : undefined;
  if (typeof v !== 'string') return field === 'step' && v === undefined ? 0 : undefined;
  if (field === 'value') return v in SPECIAL_DOUBLES ? SPECIAL_DOUBLES[v] : v.trim() === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
  return /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * The points of a metric history answer (get-history, or a bulk one whose points carry run_id).
 * Checked by hand, field by field: zod takes some 20 µs a point, and a first mirror reads hundreds
 * of thousands. `key` fills in the key of get-history points that leave it out.
 */
export function readMetricPoints(body: unknown, endpoint: string, key?: string): { points: RemotePoint[]; nextPageToken?: string } {
  const envelope = parseRemote(MetricsEnvelope, body, endpoint);
  const points: RemotePoint[] = new Array<RemotePoint>(envelope.metrics.length);
  envelope.metrics.forEach((item, i) => {
    const fail = (field: string): never => {
      throw new Error(`remote answer to ${endpoint} not understood at 'metrics.${i}.${field}': ${JSON.stringify(item).slice(0, 200)}`);
    };
    if (typeof item !== 'object' || item === null) return fail('');
    const m = item as Record<string, unknown>;
    const pointKey = typeof m.key === 'string' ? m.key : (key ?? fail('key'));
    const runId = typeof m.run_id === 'string' ? m.run_id : key !== undefined ? '' : fail('run_id');
    points[i] = {
      key: pointKey,
      run_id: runId,
      value: pointField(m, 'value') ?? fail('value'),
      timestamp: pointField(m, 'timestamp') ?? fail('timestamp'),
      step: pointField(m, 'step') ?? fail('step'),
    };
  });
  return { points, nextPageToken: envelope.next_page_token || undefined };
}

export const RemoteModelVersion = z.object({
  name: z.string(),
  version: int64,
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  user_id: z.string().default(''),
  current_stage: z.string().default('None'),
  description: z.string().default(''),
  source: z.string().default(''),
  run_id: z.string().default(''),
  run_link: z.string().default(''),
  status: z.string().default('READY'),
  status_message: z.string().default(''),
  tags: keyValues,
});
export type RemoteModelVersion = z.infer<typeof RemoteModelVersion>;

export const RemoteModel = z.object({
  name: z.string(),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  description: z.string().default(''),
  tags: keyValues,
  aliases: z
    .array(z.object({ alias: z.string(), version: int64 }))
    .optional()
    .transform((l) => l ?? []),
});
export type RemoteModel = z.infer<typeof RemoteModel>;

export const ModelsPage = z.object({ registered_models: z.array(RemoteModel).default([]), next_page_token: z.string().optional() });
export const VersionsPage = z.object({ model_versions: z.array(RemoteModelVersion).default([]), next_page_token: z.string().optional() });

/** Parses a remote answer; a shape we cannot read is the remote's fault, said with the endpoint. */
export function parseRemote<T extends z.ZodTypeAny>(schema: T, body: unknown, endpoint: string): z.output<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`remote answer to ${endpoint} not understood at '${issue.path.join('.')}': ${issue.message}`);
  }
  return parsed.data;
}
