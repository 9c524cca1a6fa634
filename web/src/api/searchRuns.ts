// MLflow's runs/search for the few newest runs matching a filter (the validate page's run picker);
// the runs table uses /api/pixal/runs/table for everything at once instead.
import { call } from './client.ts';
import type { Run } from './types.ts';

export async function searchRuns(
  request: { experiment_ids: string[]; filter?: string; order_by?: string[]; max_results?: number },
  signal?: AbortSignal,
): Promise<Run[]> {
  if (request.experiment_ids.length === 0) return [];
  return (await call<{ runs?: Run[] }>('/ajax-api/2.0/mlflow/runs/search', { body: request, signal })).runs ?? [];
}
