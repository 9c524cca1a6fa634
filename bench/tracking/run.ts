// Tracking-server benchmark: our `pixal server` against the real `mlflow server`, one after the
// other on the same machine, with the same workloads. Prints a Markdown table with ratios and
// writes the numbers to bench/output/tracking.json.
//   node --import tsx bench/tracking/run.ts [--seconds 10] [--runs 10000] [--reps 20] [--targets pixal,mlflow]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, startMlflow, startPixal, type TestServer } from '../../tests/support/servers.ts';
import { populateMlflowStore } from './mlflow-store.ts';
import { SEARCHES, createExperiment, historyLatency, ingest, logLongHistory, populateOverRest, runShapes, searchLatency, type Latency } from './workloads.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '20' },
    targets: { type: 'string', default: 'pixal,mlflow' },
  },
});
const SECONDS = Number(args.seconds);
const RUNS = Number(args.runs);
const REPS = Number(args.reps);
const CLIENTS = 20;
const BATCH = 1000;
const HISTORY_STEPS = 10_000;
const STEPS_PER_METRIC = 10;

type Target = 'pixal' | 'mlflow';

interface Result {
  ingestPointsPerSecond: number;
  ingestBatches: number;
  ingestFailedBatches: number;
  ingestFirstError?: string;
  populateSeconds: number;
  populateMethod: string;
  search: Record<string, Latency>;
  history: Latency;
}

const log = (message: string) => console.error(`[bench] ${message}`);

async function measure(target: Target): Promise<Result> {
  log(`${target}: starting server`);
  const server: TestServer = target === 'pixal' ? await startPixal({ spawned: true }) : await startMlflow();
  try {
    log(`${target}: ingest, ${CLIENTS} clients x ${BATCH}-point batches for ${SECONDS} s`);
    const ingested = await ingest(server.url, CLIENTS, BATCH, SECONDS);
    log(`${target}: ${Math.round(ingested.pointsPerSecond)} points/s, ${ingested.failedBatches} failed batches ${ingested.firstError ?? ''}`);

    const experimentId = await createExperiment(server.url, `bench-search-${Date.now()}`);
    const shapes = runShapes(RUNS, STEPS_PER_METRIC);
    log(`${target}: populating ${RUNS} runs`);
    const t0 = performance.now();
    // MLflow's single worker would need many minutes over REST: write its rows directly.
    if (target === 'mlflow') populateMlflowStore(server.dbPath, experimentId, shapes);
    else await populateOverRest(server.url, experimentId, shapes, 8);
    const populateSeconds = (performance.now() - t0) / 1000;
    log(`${target}: populated in ${populateSeconds.toFixed(1)} s`);

    const search: Record<string, Latency> = {};
    for (const { label, body } of SEARCHES) {
      search[label] = await searchLatency(server.url, experimentId, body, REPS);
      log(`${target}: search "${label}" p50 ${search[label]!.p50.toFixed(1)} ms`);
    }

    const historyRun = await logLongHistory(server.url, experimentId, HISTORY_STEPS);
    const history = await historyLatency(server.url, historyRun, HISTORY_STEPS, REPS);
    log(`${target}: get-history ${HISTORY_STEPS} steps p50 ${history.p50.toFixed(1)} ms`);
    return {
      ingestPointsPerSecond: ingested.pointsPerSecond,
      ingestBatches: ingested.batches,
      ingestFailedBatches: ingested.failedBatches,
      ingestFirstError: ingested.firstError,
      populateSeconds,
      populateMethod: target === 'mlflow' ? 'direct SQLite inserts' : 'REST (runs/create + log-batch, 8 concurrent)',
      search,
      history,
    };
  } finally {
    await server.close();
  }
}

function machine(): string {
  const model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (nproc), ${model}, Node ${process.version}`;
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined ? '—' : n.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(a / b < 0.1 ? 3 : 2)}x`);

function table(results: Partial<Record<Target, Result>>): string {
  const { pixal: p, mlflow: m } = results;
  const rows: string[][] = [
    [`log-batch ingest, metric points/s (${CLIENTS} clients, ${BATCH}-point batches, ${SECONDS} s)`, fmt(p?.ingestPointsPerSecond, 0), fmt(m?.ingestPointsPerSecond, 0), ratio(p?.ingestPointsPerSecond, m?.ingestPointsPerSecond)],
    ['log-batch ingest, failed batches / acknowledged', `${p?.ingestFailedBatches ?? '—'} / ${p?.ingestBatches ?? '—'}`, `${m?.ingestFailedBatches ?? '—'} / ${m?.ingestBatches ?? '—'}`, ''],
  ];
  for (const { label } of SEARCHES) {
    for (const q of ['p50', 'p95'] as const) {
      rows.push([`runs/search ${q} ms, ${RUNS} runs: ${label}`, fmt(p?.search[label]?.[q]), fmt(m?.search[label]?.[q]), ratio(p?.search[label]?.[q], m?.search[label]?.[q])]);
    }
  }
  for (const q of ['p50', 'p95'] as const) rows.push([`get-history ${q} ms, ${HISTORY_STEPS}-step metric`, fmt(p?.history[q]), fmt(m?.history[q]), ratio(p?.history[q], m?.history[q])]);
  const lines = ['| measure | pixal | mlflow 3.17.2 | ours/theirs |', '|---|---:|---:|---:|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  return lines.join('\n');
}

const targets = args.targets!.split(',').map((t) => t.trim()) as Target[];
const results: Partial<Record<Target, Result>> = {};
for (const target of targets) results[target] = await measure(target);

const report = table(results);
console.log(`Machine: ${machine()}\nDate: ${new Date().toISOString()}\nSearch and history: ${REPS} timed repetitions after 2 warm-ups, 100 runs per search page.\n`);
console.log(report);
for (const [target, r] of Object.entries(results)) if (r.ingestFirstError) console.log(`\n${target}: first failed batch: ${r.ingestFirstError}`);
const outDir = join(REPO_ROOT, 'bench/output');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'tracking.json'), JSON.stringify({ date: new Date().toISOString(), machine: machine(), args, results }, null, 2));
