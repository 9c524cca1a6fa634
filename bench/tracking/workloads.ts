// The tracking-server workloads, run the same way against any MLflow-compatible base URL:
// concurrent log-batch ingest, populating a store over REST, timed searches and histories.

export interface Latency {
  p50: number;
  p95: number;
  samples: number;
}

/** fetch, retried once when a pooled keep-alive connection turns out to be closed by the server. */
async function send(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'UND_ERR_SOCKET') throw err;
    return fetch(input, init);
  }
}

async function call(url: string, path: string, body?: object): Promise<Record<string, unknown>> {
  const res = await send(`${url}/api/2.0/mlflow/${path}`, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {});
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path} → ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export async function createExperiment(url: string, name: string): Promise<string> {
  return (await call(url, 'experiments/create', { name })).experiment_id as string;
}

export async function createRun(url: string, experimentId: string, body: object = {}): Promise<string> {
  const run = (await call(url, 'runs/create', { experiment_id: experimentId, start_time: Date.now(), ...body })).run as { info: { run_id: string } };
  return run.info.run_id;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/**
 * Runs `task` once to warm up, then up to `reps` timed times in sequence, stopping early once
 * `budgetMs` is spent (with at least 5 samples: some MLflow searches take 15 s each). Quantiles in ms.
 */
export async function timed(reps: number, task: () => Promise<void>, budgetMs = 60_000): Promise<Latency> {
  await task();
  const ms: number[] = [];
  const started = performance.now();
  while (ms.length < reps && (ms.length < 5 || performance.now() - started < budgetMs)) {
    const t0 = performance.now();
    await task();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), samples: ms.length };
}

export interface IngestResult {
  pointsPerSecond: number;
  batches: number;
  /** Batches the server refused or failed; their points do not count. */
  failedBatches: number;
  firstError?: string;
}

/**
 * `clients` concurrent loops, each logging `batchSize`-point metric batches to its own run for
 * `seconds`. Returns acknowledged metric points per second of wall time.
 */
export async function ingest(url: string, clients: number, batchSize: number, seconds: number): Promise<IngestResult> {
  const experimentId = await createExperiment(url, `bench-ingest-${Date.now()}`);
  const runIds = await Promise.all(Array.from({ length: clients }, () => createRun(url, experimentId)));
  let points = 0;
  let batches = 0;
  let failedBatches = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    runIds.map(async (runId, client) => {
      let step = 0;
      while (performance.now() < deadline) {
        const now = Date.now();
        const metrics = Array.from({ length: batchSize }, (_, i) => ({ key: `m${(step + i) % 10}`, value: Math.sin(step + i + client), timestamp: now, step: step + i }));
        try {
          await call(url, 'runs/log-batch', { run_id: runId, metrics });
          points += batchSize;
          batches += 1;
        } catch (err) {
          // A server that gives up under load (MLflow's connection pool) is part of the result.
          failedBatches += 1;
          firstError ??= (err as Error).message.slice(0, 200);
        }
        step += batchSize;
      }
    }),
  );
  return { pointsPerSecond: points / ((performance.now() - t0) / 1000), batches, failedBatches, firstError };
}

/** What the search benchmark stores per run: the fields a PIXAL training run logs. */
export interface RunShape {
  runName: string;
  startTime: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Metric histories: `steps` points per key, the last one the latest. */
  metrics: Record<string, number[]>;
}

const CHANNELS = ['RGB', 'HSV', 'LAB_ab'];
const ARCHS = ['dense', 'conv', 'conv-deep'];

/** A deterministic grid of runs (same data for both servers). */
export function runShapes(count: number, steps: number, t0 = 1_700_000_000_000): RunShape[] {
  return Array.from({ length: count }, (_, i) => {
    const lr = [0.1, 0.01, 0.001, 0.0001][i % 4]!;
    const base = ((i * 7919) % 1000) / 1000;
    const curve = (scale: number) => Array.from({ length: steps }, (_, s) => +(scale * (base + 1 / (s + 1))).toFixed(6));
    return {
      runName: `run-${i}`,
      startTime: t0 + i * 1000,
      params: { lr: String(lr), pool: String([2, 4][i % 2]), channels: CHANNELS[i % 3]!, arch: ARCHS[(i >> 2) % 3]!, seed: String(i) },
      tags: { stage: i % 5 === 0 ? 'eval' : 'train', component: ['flex', 'hybrid'][i % 2]! },
      metrics: { loss: curve(0.5), val_loss: curve(0.6), acc: curve(-0.3).map((v) => 1 + v) },
    };
  });
}

/** Populates a store over REST with `concurrency` loops: runs/create then one log-batch per run. */
export async function populateOverRest(url: string, experimentId: string, shapes: RunShape[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < shapes.length) {
        const shape = shapes[next++]!;
        const runId = await createRun(url, experimentId, { run_name: shape.runName, start_time: shape.startTime });
        await call(url, 'runs/log-batch', {
          run_id: runId,
          params: Object.entries(shape.params).map(([key, value]) => ({ key, value })),
          tags: Object.entries(shape.tags).map(([key, value]) => ({ key, value })),
          metrics: Object.entries(shape.metrics).flatMap(([key, values]) => values.map((value, step) => ({ key, value, step, timestamp: shape.startTime + step }))),
        });
      }
    }),
  );
}

/** The searches the dashboard and a user's script typically issue, 100 runs per page. */
export const SEARCHES: { label: string; body: { filter: string; order_by: string[] } }[] = [
  { label: 'no filter, default order', body: { filter: '', order_by: [] } },
  { label: 'order by metrics.loss', body: { filter: '', order_by: ['metrics.loss ASC'] } },
  { label: "params.channels = 'HSV' and metrics.loss < 0.3", body: { filter: "params.channels = 'HSV' and metrics.loss < 0.3", order_by: [] } },
  { label: "tags + params, order by params.lr", body: { filter: "tags.stage = 'train' and params.pool = '2'", order_by: ['params.lr DESC'] } },
];

export async function searchLatency(url: string, experimentId: string, body: object, reps: number): Promise<Latency> {
  return timed(reps, async () => {
    const r = await call(url, 'runs/search', { experiment_ids: [experimentId], max_results: 100, ...body });
    if (!Array.isArray(r.runs) || r.runs.length === 0) throw new Error('search returned no runs');
  });
}

/** Logs a `steps`-point history to a new run in 1000-point batches; returns the run id. */
export async function logLongHistory(url: string, experimentId: string, steps: number): Promise<string> {
  const runId = await createRun(url, experimentId);
  for (let from = 0; from < steps; from += 1000) {
    const metrics = Array.from({ length: Math.min(1000, steps - from) }, (_, i) => ({ key: 'loss', value: 1 / (from + i + 1), timestamp: 1_700_000_000_000 + from + i, step: from + i }));
    await call(url, 'runs/log-batch', { run_id: runId, metrics });
  }
  return runId;
}

/** Time to read a whole metric history, following page tokens when the server pages. */
export async function historyLatency(url: string, runId: string, steps: number, reps: number): Promise<Latency> {
  return timed(reps, async () => {
    let count = 0;
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ run_id: runId, metric_key: 'loss', ...(token ? { page_token: token } : {}) });
      const res = await send(`${url}/api/2.0/mlflow/metrics/get-history?${query}`, {});
      const body = (await res.json()) as { metrics?: unknown[]; next_page_token?: string };
      if (res.status !== 200) throw new Error(`get-history → ${res.status}`);
      count += body.metrics?.length ?? 0;
      token = body.next_page_token;
    } while (token);
    if (count !== steps) throw new Error(`get-history returned ${count} of ${steps} points`);
  });
}
