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
import { SEARCHES, createExperiment, historyLatency, ingest, logLongHistory, populateOverRest, runShapes, searchLatency, type IngestResult, type Latency } from './workloads.ts';

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
// 20 clients as specified; 4 stays below MLflow's SQLAlchemy pool (5 + 10 overflow) under load.
const INGEST_CLIENTS = [20, 4];
const BATCH = 1000;
const HISTORY_STEPS = 10_000;
const STEPS_PER_METRIC = 10;

type Target = 'pixal' | 'mlflow';

interface Result {
  /** By number of concurrent clients. */
  ingest: Record<number, IngestResult>;
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
    const ingested: Record<number, IngestResult> = {};
    for (const clients of INGEST_CLIENTS) {
      log(`${target}: ingest, ${clients} clients x ${BATCH}-point batches for ${SECONDS} s`);
      const r = (ingested[clients] = await ingest(server.url, clients, BATCH, SECONDS));
      log(`${target}: ${Math.round(r.pointsPerSecond)} points/s, ${r.failedBatches} failed batches ${r.firstError ?? ''}`);
    }

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
      ingest: ingested,
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
  const rows: string[][] = INGEST_CLIENTS.flatMap((clients) => {
    const [pi, mi] = [p?.ingest[clients], m?.ingest[clients]];
    return [
      [`log-batch ingest, metric points/s (${clients} clients, ${BATCH}-point batches, ${SECONDS} s)`, fmt(pi?.pointsPerSecond, 0), fmt(mi?.pointsPerSecond, 0), ratio(pi?.pointsPerSecond, mi?.pointsPerSecond)],
      [`log-batch ingest, failed / acknowledged batches (${clients} clients)`, `${pi?.failedBatches ?? '—'} / ${pi?.batches ?? '—'}`, `${mi?.failedBatches ?? '—'} / ${mi?.batches ?? '—'}`, ''],
    ];
  });
  for (const { label } of SEARCHES) {
    for (const q of ['p50', 'p95'] as const) {
      const n = (l?: Latency) => (l ? ` (n=${l.samples})` : '');
      rows.push([`runs/search ${q} ms, ${RUNS} runs: ${label}`, fmt(p?.search[label]?.[q]) + n(p?.search[label]), fmt(m?.search[label]?.[q]) + n(m?.search[label]), ratio(p?.search[label]?.[q], m?.search[label]?.[q])]);
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
console.log(`Machine: ${machine()}\nDate: ${new Date().toISOString()}\nSearch and history: up to ${REPS} timed repetitions after 1 warm-up, at most 60 s per measure (at least 5), 100 runs per search page.\n`);
console.log(report);
for (const [target, r] of Object.entries(results))
  for (const [clients, i] of Object.entries(r.ingest)) if (i.firstError) console.log(`\n${target}, ${clients} clients, first failed batch: ${i.firstError}`);
const outDir = join(REPO_ROOT, 'bench/output');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'tracking.json'), JSON.stringify({ date: new Date().toISOString(), machine: machine(), args, results }, null, 2));
