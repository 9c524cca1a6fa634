// Timing of the tracking store's hot paths (not a test: no assertions on time).
//   npx tsx tests/server/tracking/search-benchmark.ts [runs=10000]
// Logs `runs` runs (5 params, 5 tags, 5 metrics x 10 steps each), then times log-batch of 1000
// points (in the store, and over HTTP to a real server) and run searches with filters and
// orderings, printing p50/p95 in milliseconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../../server/db/open.ts';
import { startServer } from '../../../server/main.ts';
import type { Filter, OrderBy } from '../../../server/search/ast.ts';
import { trackingStore } from '../../../server/tracking/store.ts';

const RUNS = Number(process.argv[2] ?? 10000);
const dir = mkdtempSync(join(tmpdir(), 'tracking-bench-'));
const db = openDb(join(dir, 'store.db'));
const { experiments, runs } = trackingStore(db.$client);

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, min ${sorted[0]!.toFixed(2)} ms (n=${samples.length})`;
}

function time(label: string, n: number, fn: () => unknown): void {
  fn(); // warm the statement cache
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  console.log(`${label}: ${percentiles(samples)}`);
}

const experimentId = experiments.create('bench', undefined, []);
let t = performance.now();
const runIds: string[] = [];
for (let i = 0; i < RUNS; i++) {
  const run = runs.create({ experimentId, userId: 'bench', startTime: 1_700_000_000_000 + i, tags: [] }) as { info: { run_id: string } };
  const id = run.info.run_id;
  runIds.push(id);
  const metrics = [];
  for (let step = 0; step < 10; step++)
    for (const key of ['loss', 'val_loss', 'acc', 'auc', 'lr'])
      metrics.push({ key, value: i % 97 === 0 && key === 'loss' ? Number.NaN : ((i * 7919 + step * 31) % 1000) / 1000, timestamp: 1_700_000_000_000 + step, step });
  runs.logBatch(id, {
    metrics,
    params: [
      { key: 'lr', value: String([0.1, 0.01, 0.001][i % 3]) },
      { key: 'channels', value: ['RGB', 'HSV', 'LAB_ab'][i % 3]! },
      { key: 'pool', value: String(2 + (i % 2) * 2) },
      { key: 'arch', value: `ae-${i % 5}` },
      { key: 'seed', value: String(i) },
    ],
    tags: [
      { key: 'component', value: `comp-${i % 10}` },
      { key: 'stage', value: i % 2 ? 'train' : 'validate' },
      { key: 'owner', value: `user${i % 4}` },
      { key: 'git', value: `abc${i % 50}` },
      { key: 'note', value: `run number ${i}` },
    ],
  });
}
console.log(`set-up: ${RUNS} runs with 50 points, 5 params, 5 tags each in ${((performance.now() - t) / 1000).toFixed(1)} s`);

const batchRun = runIds[0]!;
let base = 2_000_000_000_000;
time('log-batch 1000 points (one run, 10 keys, one transaction)', 30, () => {
  base += 1000;
  runs.logBatch(batchRun, {
    metrics: Array.from({ length: 1000 }, (_, j) => ({ key: `k${j % 10}`, value: Math.sin(j), timestamp: base + j, step: base + j })),
    params: [],
    tags: [],
  });
});

const search = (filter: Filter, orderBy: OrderBy[], maxResults = 100) => () =>
  runs.search({ experimentIds: [experimentId], filter, orderBy, view: 'ACTIVE_ONLY', maxResults });
const N = 40;
time('search, no filter, default order, 100 runs', N, search([], []));
time('search, no filter, default order, 1000 runs', 10, search([], [], 1000));
time('search, metrics.loss < 0.5, order by metrics.loss ASC, 100 runs', N, search([{ type: 'metric', key: 'loss', op: '<', value: 0.5 }], [{ type: 'metric', key: 'loss', ascending: true }]));
time('search, order by metrics.val_loss DESC, 100 runs', N, search([], [{ type: 'metric', key: 'val_loss', ascending: false }]));
time(
  "search, params.lr = '0.01' AND tags.stage = 'train', order by params.seed, 100 runs",
  N,
  search(
    [
      { type: 'param', key: 'lr', op: '=', value: '0.01' },
      { type: 'tag', key: 'stage', op: '=', value: 'train' },
    ],
    [{ type: 'param', key: 'seed', ascending: true }],
  ),
);
time("search, params.seed = '4242' (one run), 100 runs", N, search([{ type: 'param', key: 'seed', op: '=', value: '4242' }], []));
time('search, metrics.loss < 0.01 (1%), order by metrics.acc DESC, 100 runs', N, search([{ type: 'metric', key: 'loss', op: '<', value: 0.01 }], [{ type: 'metric', key: 'acc', ascending: false }]));
time("search, tags.note LIKE '%99%' (scan), 100 runs", N, search([{ type: 'tag', key: 'note', op: 'LIKE', value: '%99%' }], []));
time("search, attributes.run_name ILIKE 'x%' (no match)", N, search([{ type: 'attribute', key: 'run_name', op: 'ILIKE', value: 'x%' }], []));
time('search, page at offset 5000, 100 runs', N, () =>
  runs.search({ experimentIds: [experimentId], filter: [], orderBy: [], view: 'ACTIVE_ONLY', maxResults: 100, pageToken: Buffer.from('{"offset": 5000}').toString('base64') }),
);
t = performance.now();
runs.get(runIds[5]!);
console.log(`get-run: ${(performance.now() - t).toFixed(2)} ms`);

db.$client.close();

// The same batch over HTTP: JSON parsing, validation, one transaction, the answer.
const server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(dir, 'http.db')}`, artifactsDestination: join(dir, 'artifacts'), logLevel: 'silent' });
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server.url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { run?: { info: { run_id: string } } };
};
const httpRun = (await post('runs/create', { experiment_id: '0', start_time: 0 })).run!.info.run_id;
const httpSamples: number[] = [];
for (let i = 0; i < 31; i++) {
  base += 1000;
  const body = { run_id: httpRun, metrics: Array.from({ length: 1000 }, (_, j) => ({ key: `k${j % 10}`, value: Math.sin(j), timestamp: base + j, step: base + j })) };
  const started = performance.now();
  await post('runs/log-batch', body);
  if (i > 0) httpSamples.push(performance.now() - started);
}
console.log(`HTTP runs/log-batch 1000 points: ${percentiles(httpSamples)}`);
await server.close();
rmSync(dir, { recursive: true, force: true });
