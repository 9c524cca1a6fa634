// MLflow REST: metric histories (get-history, paged; get-history-bulk-interval, sampled).
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import type { MlflowApi } from '../http/api.ts';
import { invalidParameter } from '../http/errors.ts';
import { int64, repeated, requireNonEmpty, str } from '../http/proto.ts';
import { runIdFields, runIdOf, SEE_API_DOCS } from '../tracking/request-fields.ts';
import { trackingStore } from '../tracking/store.ts';

const MAX_RUNS_GET_METRIC_HISTORY_BULK = 100;
const MAX_RESULTS_PER_RUN = 2500;

const historyRequest = z.object({ ...runIdFields, metric_key: str.optional(), max_results: int64.optional(), page_token: str.optional() });
const bulkIntervalRequest = z.object({
  run_ids: repeated(str).optional(),
  metric_key: str.optional(),
  start_step: int64.optional(),
  end_step: int64.optional(),
  max_results: int64.optional(),
});

export function metricRoutes(api: MlflowApi, ctx: ServerContext): void {
  const { metrics } = trackingStore(ctx.db.$client);

  api.get('metrics/get-history', historyRequest, (req) => {
    const runId = runIdOf(req);
    const key = requireNonEmpty(req.metric_key, 'metric_key');
    if (req.max_results !== undefined && req.max_results <= 0)
      throw invalidParameter(`Invalid value ${req.max_results} for parameter 'max_results' supplied. It must be a positive integer.`);
    // A run or key never logged has an empty history, not a 404 (MLflow does not look the run up).
    const page = metrics.history(runId, key, req.max_results, req.page_token);
    return { ...(page.metrics.length > 0 ? { metrics: page.metrics } : {}), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
  });

  api.get('metrics/get-history-bulk-interval', bulkIntervalRequest, (req) => {
    const runIds = req.run_ids ?? [];
    if (runIds.length === 0) requireNonEmpty(undefined, 'run_ids');
    if (runIds.length > MAX_RUNS_GET_METRIC_HISTORY_BULK)
      throw invalidParameter(
        `GetMetricHistoryBulkInterval request must specify at most ${MAX_RUNS_GET_METRIC_HISTORY_BULK} run_ids. Received ${runIds.length} run_ids.${SEE_API_DOCS}`,
      );
    const key = requireNonEmpty(req.metric_key, 'metric_key');
    const maxResults = req.max_results ?? MAX_RESULTS_PER_RUN;
    if (maxResults < 1 || maxResults > MAX_RESULTS_PER_RUN) throw invalidParameter(`max_results must be between 1 and ${MAX_RESULTS_PER_RUN}.${SEE_API_DOCS}`);
    const { start_step: startStep, end_step: endStep } = req;
    if ((startStep === undefined) !== (endStep === undefined))
      throw invalidParameter('If either start step or end step are specified, both must be specified.');
    if (startStep !== undefined && endStep !== undefined && startStep > endStep)
      throw invalidParameter(`end_step must be greater than start_step. Found start_step=${startStep} and end_step=${endStep}.`);
    const range = startStep !== undefined && endStep !== undefined ? { startStep, endStep } : undefined;
    const sampled = metrics.sampledHistory(runIds, key, maxResults, range);
    return sampled.length > 0 ? { metrics: sampled } : {};
  });
}
