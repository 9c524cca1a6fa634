// Dashboard benchmark (issue 6): in Chromium, the time to an interactive runs table over 10k runs × 30
// params, and to a drawn compare view of 100 runs × 5 metrics × 10k steps; beside them our server's API
// time for the same data and the real MLflow server's REST time (search-runs paginated; get-history per
// run and key, and the sampled bulk-interval calls MLflow's own charts make), with ratios. Targets ≤ 1 s.
// Prints a Markdown table and writes bench/output/dashboard.json.
// Every full history through get-history (500 calls of 10k points) takes many minutes on MLflow: --full-history.
//   npx tsx bench/dashboard/run.ts [--runs 10000] [--params 30] [--hist-runs 100] [--metrics 5] [--steps 10000] [--reps 3] [--no-mlflow] [--full-history]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWeb, REPO_ROOT, startDashboard } from '../../tests/browser/harness.ts';
import { bulkSeedHistories, bulkSeedRuns } from '../../tests/browser/seed.ts';
import { startMlflow } from '../../tests/support/servers.ts';
import { timeCompare, timeRunsTable } from './browser.ts';
import { copyIntoMlflow, fullHistories, sampledHistories, searchAllRuns } from './mlflow.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    params: { type: 'string', default: '30' },
    'hist-runs': { type: 'string', default: '100' },
    metrics: { type: 'string', default: '5' },
    steps: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '3' },
    'no-mlflow': { type: 'boolean', default: false },
    'full-history': { type: 'boolean', default: false },
  },
});
const N = { runs: Number(args.runs), params: Number(args.params), histRuns: Number(args['hist-runs']), metrics: Number(args.metrics), steps: Number(args.steps) };
const REPS = Number(args.reps);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const round = (x: number) => Math.round(x);

/**
 * Median wall time of `reps` calls of `fn` after `warmup` calls (each printed to stderr as it ends, so a slow
 * baseline shows progress), and what the last call returned.
 */
async function timed<T>(what: string, fn: () => Promise<T>, reps = REPS, warmup = 1): Promise<{ ms: number; result: T }> {
  let result: T | undefined;
  for (let i = 0; i < warmup; i++) result = await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
    console.error(`  ${what}: ${round(times.at(-1)!)} ms`);
  }
  return { ms: median(times), result: result! };
}

async function post(url: string, path: string, body: object): Promise<unknown> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} → ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

buildWeb();
console.error(`seeding ${N.runs} runs × ${N.params} params and ${N.histRuns} runs × ${N.metrics} metrics × ${N.steps} steps into a fresh store…`);
const seedStart = performance.now();
const d = await startDashboard({
  outputName: 'bench-dashboard',
  skipBuild: true,
  seed: async ({ server }) => ({
    table: bulkSeedRuns(server.db, { experimentName: 'bench-10k', runs: N.runs, params: N.params }),
    histories: bulkSeedHistories(server.db, { experimentName: 'bench-histories', runs: N.histRuns, metrics: N.metrics, steps: N.steps }),
  }),
});
const seedMs = performance.now() - seedStart;
const { table, histories } = d.seeded;
const rows: { what: string; ours: number; mlflow?: number; mlflowWhat?: string }[] = [];
try {
  console.error(`seeded in ${round(seedMs)} ms; timing the browser (${REPS} cold loads each)…`);
  const tableTimes = [];
  for (let i = 0; i < REPS; i++) {
    tableTimes.push(await timeRunsTable(d.browser, d.url, table.experimentId));
    console.error(`  browser runs table: ${JSON.stringify(tableTimes.at(-1))}`);
  }
  const compareTimes = [];
  for (let i = 0; i < REPS; i++) {
    compareTimes.push(await timeCompare(d.browser, d.url, histories.runIds, histories.metricKeys));
    console.error(`  browser compare: ${JSON.stringify(compareTimes.at(-1))}`);
  }
  await d.page.goto(`${d.url}/runs?exp=${table.experimentId}`);
  await d.screenshot('runs-10k');

  const ourTable = await timed('ours runs/table', () => post(d.url, '/api/pixal/runs/table', { experiment_ids: [table.experimentId] }));
  const ourSearch = await timed('ours search-runs', () => searchAllRuns(d.url, table.experimentId));
  const ourHistories = await timed('ours histories', () => post(d.url, '/api/pixal/metrics/histories', { run_ids: histories.runIds, metric_keys: histories.metricKeys }));
  const ourFull = args['full-history'] ? await timed('ours get-history', () => fullHistories(d.url, histories.runIds, histories.metricKeys), 1, 0) : undefined;

  let ml: { search: number; full?: number; sampled: number } | undefined;
  if (!args['no-mlflow']) {
    console.error('starting the real mlflow server and copying the same rows into its store…');
    const mlflow = await startMlflow();
    try {
      copyIntoMlflow(d.server.db.$client.name, mlflow.dbPath, [table.experimentId, histories.experimentId]);
      const search = await timed('mlflow search-runs', () => searchAllRuns(mlflow.url, table.experimentId), 1);
      if (search.result !== N.runs) throw new Error(`mlflow search-runs returned ${search.result} runs, not ${N.runs}`);
      const sampled = await timed('mlflow bulk-interval', () => sampledHistories(mlflow.url, histories.runIds, histories.metricKeys), 1, 0);
      ml = { search: search.ms, sampled: sampled.ms };
      if (ourFull) {
        const full = await timed('mlflow get-history', () => fullHistories(mlflow.url, histories.runIds, histories.metricKeys), 1, 0);
        if (full.result !== N.histRuns * N.metrics * N.steps) throw new Error(`mlflow get-history returned ${full.result} points`);
        ml.full = full.ms;
      }
    } finally {
      await mlflow.close();
    }
  }

  rows.push(
    { what: `browser: runs table first rows (${N.runs} runs × ${N.params} params)`, ours: median(tableTimes.map((t) => t.rowsMs)) },
    { what: 'browser: runs table interactive (rows + a scroll rendered)', ours: median(tableTimes.map((t) => t.interactiveMs)), mlflow: ml?.search, mlflowWhat: 'search-runs, all pages of 1000' },
    { what: `browser: compare drawn (${N.histRuns} runs × ${N.metrics} metrics × ${N.steps} steps)`, ours: median(compareTimes.map((t) => t.drawnMs)), mlflow: ml?.sampled, mlflowWhat: 'get-history-bulk-interval, 1000/run' },
    { what: 'API: POST /api/pixal/runs/table (all runs)', ours: ourTable.ms },
    { what: 'API: runs/search, all pages of 1000', ours: ourSearch.ms, mlflow: ml?.search, mlflowWhat: 'same call' },
    { what: 'API: POST /api/pixal/metrics/histories (1000 points/series)', ours: ourHistories.ms, mlflow: ml?.sampled, mlflowWhat: 'get-history-bulk-interval, 1000/run' },
  );
  if (ourFull) rows.push({ what: `API: get-history, every run × key (${N.histRuns * N.metrics} calls, 6 at a time)`, ours: ourFull.ms, mlflow: ml?.full, mlflowWhat: 'same calls' });
} finally {
  await d.close();
}

const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')}`;
console.log(`\nDashboard bench, ${new Date().toISOString().slice(0, 10)}, ${machine}; seeding took ${round(seedMs)} ms; medians of ${REPS}\n`);
console.log('| measurement | ours (ms) | real MLflow (ms) | MLflow call | MLflow / ours |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.what} | ${round(r.ours)} | ${r.mlflow === undefined ? '—' : round(r.mlflow)} | ${r.mlflowWhat ?? ''} | ${r.mlflow === undefined ? '—' : (r.mlflow / r.ours).toFixed(1) + '×'} |`);
mkdirSync(join(REPO_ROOT, 'bench/output'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'bench/output/dashboard.json'), JSON.stringify({ date: new Date().toISOString(), machine, sizes: N, reps: REPS, seedMs, rows }, null, 2));
