// The source runs of a model's versions, fetched a few at a time; a missing run is kept as its error.
import { getRun } from '../api/client.ts';
import type { ApiError, Run } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';

const AT_ONCE = 6;

export async function fetchRuns(runIds: readonly string[], signal: AbortSignal): Promise<Map<string, Run | ApiError>> {
  const unique = [...new Set(runIds.filter((id) => id !== ''))];
  const result = new Map<string, Run | ApiError>();
  for (let i = 0; i < unique.length; i += AT_ONCE) {
    const batch = unique.slice(i, i + AT_ONCE);
    const runs = await Promise.all(batch.map((id) => getRun(id, signal).catch((error: unknown) => toApiError(error))));
    batch.forEach((id, j) => result.set(id, runs[j]!));
  }
  return result;
}

/** The `validation.*` metrics `pixal validate` logs on the run it validated. */
export function validationMetrics(run: Run | ApiError | undefined): Record<string, number> {
  if (!run || !('info' in run)) return {};
  return Object.fromEntries((run.data.metrics ?? []).filter((m) => m.key.startsWith('validation.')).map((m) => [m.key.slice('validation.'.length), m.value]));
}
