// MLflow REST: runs (create, get, update, delete, restore, tags, params, metrics, batches,
// dataset inputs, search). Lists are JSON arrays: these endpoints take POST bodies only.
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import type { MlflowApi } from '../http/api.ts';
import { invalidParameter, MlflowError } from '../http/errors.ts';
import { double, doubleOf, int64, int64Of, requireNonEmpty, str, wireNumber } from '../http/proto.ts';
import { keyValues, optionalKeyValue, runIdFields, runIdOf, SEE_API_DOCS, typeHintError } from '../tracking/request-fields.ts';
import { RUN_STATUSES, type RunStatus } from '../tracking/runs.ts';
import { parseRunFilter } from '../search/filter.ts';
import { parseRunOrderBy } from '../tracking/run-search.ts';
import { trackingStore } from '../tracking/store.ts';
import { type MetricPoint } from '../tracking/validation.ts';
import { missingValueMessage } from '../http/messages.ts';
import { viewTypeOf } from '../tracking/view-type.ts';
import { metricsEvent, runEvent } from '../dashboard/events.ts';

const SEARCH_RUNS_MAX_RESULTS = 50000;
const SEARCH_RUNS_DEFAULT_MAX_RESULTS = 1000;

const enumValue = z.union([str, z.number()]);

const createRequest = z.object({
  experiment_id: str.optional(),
  user_id: str.optional(),
  run_name: str.optional(),
  start_time: int64.optional(),
  tags: z.array(optionalKeyValue).optional(),
});
const runIdRequest = z.object(runIdFields);
const updateRequest = z.object({ ...runIdFields, status: enumValue.optional(), end_time: int64.optional(), run_name: str.optional() });
const keyValueRequest = z.object({ ...runIdFields, key: str.optional(), value: str.optional() });
const logMetricRequest = z.object({ ...runIdFields, key: str.optional(), value: double.optional(), timestamp: int64.optional(), step: int64.optional() });
// Up to 1000 entries: numbers are read after zod, whose transforms would cost ~10 ms per batch.
const batchMetric = z.object({ key: str.optional(), value: wireNumber.optional(), timestamp: wireNumber.optional(), step: wireNumber.optional() });
const logBatchRequest = z.object({
  run_id: str.optional(),
  metrics: z.array(batchMetric).optional(),
  params: z.array(optionalKeyValue).optional(),
  tags: z.array(optionalKeyValue).optional(),
});
const datasetMessage = z.object({
  name: str.optional(),
  digest: str.optional(),
  source_type: str.optional(),
  source: str.optional(),
  schema: str.optional(),
  profile: str.optional(),
});
const logInputsRequest = z.object({
  run_id: str.optional(),
  datasets: z.array(z.object({ tags: z.array(optionalKeyValue).optional(), dataset: datasetMessage.optional() })).optional(),
});
const searchRequest = z.object({
  experiment_ids: z.array(str).optional(),
  filter: str.optional(),
  run_view_type: enumValue.optional(),
  max_results: int64.optional(),
  order_by: z.array(str).optional(),
  page_token: str.optional(),
});

/** A RunStatus by name or protobuf number; anything else is ignored, as MLflow's parser drops it. */
function runStatusOf(value: string | number | undefined): RunStatus | undefined {
  if (typeof value === 'number') return RUN_STATUSES[value - 1];
  return RUN_STATUSES.find((s) => s === value);
}

/** MLflow's `_assert_required` on a batch entry field: absent or '' is missing. */
function requireField<T>(value: T | undefined, path: string): T {
  if (value === undefined || value === '') throw invalidParameter(`${missingValueMessage(path)}${SEE_API_DOCS}`);
  return value;
}

/** A batch entry's number, read as protobuf-JSON reads it. */
function numberField(value: number | string, read: (v: number | string) => number | undefined, path: string): number {
  const n = read(value);
  if (n === undefined) throw typeHintError(path, value);
  return n;
}

export function runRoutes(api: MlflowApi, ctx: ServerContext): void {
  const { runs } = trackingStore(ctx.db.$client);

  api.post('runs/create', createRequest, (req, { user }) => {
    // MLflow inserts such a run under experiment '' and fails on the foreign key.
    if (!req.experiment_id) throw new MlflowError('BAD_REQUEST', 'FOREIGN KEY constraint failed: a run needs an experiment_id.');
    const run = runs.create({
      experimentId: req.experiment_id,
      userId: req.user_id ?? user,
      // Unset, protobuf reads 0, and MLflow stores that.
      startTime: req.start_time ?? 0,
      runName: req.run_name,
      tags: keyValues(req.tags),
    });
    ctx.events.publish(runEvent((run as { info: unknown }).info));
    return { run };
  });

  api.get('runs/get', runIdRequest, (req) => ({ run: runs.get(runIdOf(req)) }));

  api.post('runs/update', updateRequest, (req) => {
    const info = runs.update(runIdOf(req), { status: runStatusOf(req.status), endTime: req.end_time, runName: req.run_name });
    ctx.events.publish(runEvent(info));
    return { run_info: info };
  });

  api.post('runs/delete', runIdRequest, (req) => {
    runs.delete(runIdOf(req));
    return {};
  });

  api.post('runs/restore', runIdRequest, (req) => {
    runs.restore(runIdOf(req));
    return {};
  });

  api.post('runs/set-tag', keyValueRequest, (req) => {
    const runId = runIdOf(req);
    runs.setTag(runId, requireNonEmpty(req.key, 'key'), req.value ?? '');
    return {};
  });

  api.post('runs/delete-tag', keyValueRequest, (req) => {
    const runId = runIdOf(req);
    runs.deleteTag(runId, requireNonEmpty(req.key, 'key'));
    return {};
  });

  api.post('runs/log-parameter', keyValueRequest, (req) => {
    const runId = runIdOf(req);
    runs.logParam(runId, requireNonEmpty(req.key, 'key'), req.value ?? '');
    return {};
  });

  api.post('runs/log-metric', logMetricRequest, (req) => {
    const runId = runIdOf(req);
    const key = requireNonEmpty(req.key, 'key');
    if (req.value === undefined) requireNonEmpty(undefined, 'value');
    if (req.timestamp === undefined) requireNonEmpty(undefined, 'timestamp');
    const point = { key, value: req.value!, timestamp: req.timestamp!, step: req.step ?? 0 };
    runs.logMetric(runId, point);
    ctx.events.publish(metricsEvent(runId, [point]));
    return {};
  });

  api.post('runs/log-batch', logBatchRequest, (req) => {
    const runId = requireNonEmpty(req.run_id, 'run_id');
    const metrics: MetricPoint[] = (req.metrics ?? []).map((m, i) => ({
      key: requireField(m.key, `metrics[${i}].key`),
      value: numberField(requireField(m.value, `metrics[${i}].value`), doubleOf, `metrics[${i}].value`),
      timestamp: numberField(requireField(m.timestamp, `metrics[${i}].timestamp`), int64Of, `metrics[${i}].timestamp`),
      step: m.step === undefined ? 0 : numberField(m.step, int64Of, `metrics[${i}].step`),
    }));
    (req.params ?? []).forEach((p, i) => requireField(p.key, `params[${i}].key`));
    (req.tags ?? []).forEach((t, i) => requireField(t.key, `tags[${i}].key`));
    runs.logBatch(runId, { metrics, params: keyValues(req.params), tags: keyValues(req.tags) });
    if (metrics.length > 0) ctx.events.publish(metricsEvent(runId, metrics));
    return {};
  });

  api.post('runs/log-inputs', logInputsRequest, (req) => {
    const runId = requireNonEmpty(req.run_id, 'run_id');
    const datasets = (req.datasets ?? []).map((input) => {
      const d = input.dataset ?? {};
      return {
        tags: keyValues(input.tags),
        dataset: {
          name: d.name ?? '',
          digest: d.digest ?? '',
          source_type: d.source_type ?? '',
          source: d.source ?? '',
          ...(d.schema === undefined ? {} : { schema: d.schema }),
          ...(d.profile === undefined ? {} : { profile: d.profile }),
        },
      };
    });
    runs.logInputs(runId, datasets);
    return {};
  });

  api.post('runs/search', searchRequest, (req) => {
    const maxResults = req.max_results ?? SEARCH_RUNS_DEFAULT_MAX_RESULTS;
    if (maxResults > SEARCH_RUNS_MAX_RESULTS) throw typeHintError('max_results', maxResults);
    const page = runs.search({
      experimentIds: req.experiment_ids ?? [],
      filter: parseRunFilter(req.filter),
      // An unknown enum name is dropped by MLflow's protobuf parser, leaving the default.
      view: (req.run_view_type === undefined ? undefined : viewTypeOf(req.run_view_type)) ?? 'ACTIVE_ONLY',
      maxResults,
      orderBy: parseRunOrderBy(req.order_by ?? []),
      pageToken: req.page_token,
    });
    return { ...(page.runs.length > 0 ? { runs: page.runs } : {}), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  });
}
