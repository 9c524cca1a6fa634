// Splitting buffered metrics, params and tags into runs/log-batch requests MLflow accepts.
import { wireDouble, type KeyValue, type MetricPoint } from './types.ts';

/** MLflow's limits for one log-batch request (mlflow/utils/validation.py). */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, items: 1000, bytes: 1_000_000 } as const;

/** MLflow refuses longer param and tag values (characters). */
export const VALUE_LIMITS = { param: 6000, tag: 8000 } as const;

export interface LogBatch {
  metrics: MetricPoint[];
  params: KeyValue[];
  tags: KeyValue[];
}

/** The JSON body of runs/log-batch; metric values in protobuf-JSON (NaN as "NaN"). */
export type LogBatchBody = {
  run_id: string;
  metrics: { key: string; value: number | string; timestamp: number; step: number }[];
  params: KeyValue[];
  tags: KeyValue[];
};

export function logBatchBody(runId: string, batch: LogBatch): LogBatchBody {
  return {
    run_id: runId,
    metrics: batch.metrics.map((m) => ({ key: m.key, value: wireDouble(m.value), timestamp: m.timestamp, step: m.step })),
    params: batch.params,
    tags: batch.tags,
  };
}

/** Room for `{"run_id": "...", "metrics": [], "params": [], "tags": []}` around the items. */
const ENVELOPE_BYTES = 200;

function itemBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(item)) + 1;
}

/**
 * Cuts everything pending into as few requests as the limits allow, keeping each kind in logging
 * order. Params and tags go first (as MLflow's own client sends them), metrics fill the room left.
 */
export function splitIntoBatches(pending: LogBatch, limits: typeof LOG_BATCH_LIMITS = LOG_BATCH_LIMITS): LogBatch[] {
  const batches: LogBatch[] = [];
  let params = 0;
  let tags = 0;
  let metrics = 0;
  while (params < pending.params.length || tags < pending.tags.length || metrics < pending.metrics.length) {
    const batch: LogBatch = { metrics: [], params: [], tags: [] };
    let items = 0;
    let bytes = ENVELOPE_BYTES;
    // A single item always fits an empty batch, so every pass makes progress.
    const fits = (item: unknown) => items === 0 || (items < limits.items && bytes + itemBytes(item) <= limits.bytes);
    const take = <T>(from: T[], index: number, into: T[], max: number): number => {
      while (index < from.length && into.length < max && fits(from[index])) {
        bytes += itemBytes(from[index]);
        into.push(from[index]!);
        items += 1;
        index += 1;
      }
      return index;
    };
    params = take(pending.params, params, batch.params, limits.params);
    tags = take(pending.tags, tags, batch.tags, limits.tags);
    metrics = take(pending.metrics, metrics, batch.metrics, limits.metrics);
    batches.push(batch);
  }
  return batches;
}
