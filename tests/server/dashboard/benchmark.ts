// Timing of the dashboard API's two heavy reads over HTTP on a real server (not a test: no
// assertions on time).   npx tsx tests/server/dashboard/benchmark.ts [table|histories|both]
//  - POST /api/pixal/runs/table: 10k runs x 30 params x 5 metrics x 5 tags, all of them, and with a filter;
//  - POST /api/pixal/metrics/histories: 100 runs x 5 metrics x 10k steps (5M points), 1000 and 500 points per series;
//  both also in `format: 'columns'` (the first call of each is the cold one).
// Stores are seeded straight into SQLite in one transaction, then `pixal server` runs in a child
// process, so the client's own work (reading megabytes of JSON) is not counted against the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../../server/db/open.ts';
import { startPixal } from '../../support/servers.ts';
import { seedRuns, type SeedShape } from './seed-sql.ts';

const which = process.argv[2] ?? 'both';

async function timed(label: string, n: number, call: () => Promise<Response>): Promise<void> {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= n; i++) {
    const t = performance.now();
    const res = await call();
    const text = await res.text();
    if (!res.ok) throw new Error(`${label}: ${res.status} ${text}`);
    if (i > 0) samples.push(performance.now() - t); // the first call warms statements (and rollups)
    else console.log(`${label}: first call ${(performance.now() - t).toFixed(0)} ms`);
    bytes = text.length;
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: p50 ${samples[Math.floor(n / 2)]!.toFixed(0)} ms, min ${samples[0]!.toFixed(0)} ms, max ${samples[n - 1]!.toFixed(0)} ms (n=${n}, ${(bytes / 1e6).toFixed(1)} MB)`);
}

async function withStore(shape: Omit<SeedShape, 'experimentId'>, body: (url: string, ids: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
  const dbPath = join(dir, 'store.db');
  const db = openDb(dbPath);
  db.$client.prepare("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (1, 'bench', 'mlflow-artifacts:/1', 0, 0)").run();
  const t = performance.now();
  const ids = seedRuns(db.$client, { experimentId: 1, ...shape });
  db.$client.close();
  console.log(`seeded ${shape.runs} runs in ${(performance.now() - t).toFixed(0)} ms`);
  const server = await startPixal({ spawned: true, dir });
  try {
    await body(server.url, ids);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const post = (url: string, body: object) => () => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

if (which === 'table' || which === 'both') {
  await withStore({ runs: 10_000, params: 30, metrics: 5, tags: 5, steps: 0 }, async (url) => {
    await timed('runs/table, 10k runs', 5, post(`${url}/api/pixal/runs/table`, { experiment_ids: ['1'] }));
    await timed('runs/table, 10k runs, columns (all chunks; repeats are served from the cache)', 5, post(`${url}/api/pixal/runs/table`, { experiment_ids: ['1'], format: 'columns' }));
    await timed('runs/table, filter + order_by', 5, post(`${url}/api/pixal/runs/table`, { experiment_ids: ['1'], filter: "params.param_1 = '2' and metrics.metric_0 > 0.5", order_by: ['metrics.metric_1 DESC'] }));
  });
}

if (which === 'histories' || which === 'both') {
  await withStore({ runs: 100, params: 3, metrics: 5, tags: 2, steps: 10_000 }, async (url, ids) => {
    const keys = ['metric_0', 'metric_1', 'metric_2', 'metric_3', 'metric_4'];
    await timed('histories 100x5x10k, 1000 points', 5, post(`${url}/api/pixal/metrics/histories`, { run_ids: ids, metric_keys: keys, max_points: 1000 }));
    await timed('histories 100x5x10k, 1000 points, columns (repeats are served from kept series)', 5, post(`${url}/api/pixal/metrics/histories`, { run_ids: ids, metric_keys: keys, max_points: 1000, format: 'columns' }));
    await timed('histories 100x5x10k, 500 points', 5, post(`${url}/api/pixal/metrics/histories`, { run_ids: ids, metric_keys: keys, max_points: 500 }));
    await timed('histories 100x5x10k, 1000 points, x=time', 5, post(`${url}/api/pixal/metrics/histories`, { run_ids: ids, metric_keys: keys, max_points: 1000, x: 'time' }));
  });
}
