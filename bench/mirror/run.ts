// Mirror benchmark: a real `mlflow server` holding 1,000 runs x 100 epochs x 5 metrics (logged over
// its REST API, as trainers do), mirrored by `pixal server --mirror` (a child process, as users run it).
// Times the first pass (everything), an incremental pass after 10 more epochs on 100 runs, and a pass
// with nothing new; prints requests and bytes of each (the pass's own report, GET /api/pixal/mirror),
// checks the replica holds every point, and writes bench/output/mirror.json. The baseline is the
// official Python client reading the same runs and full histories (search_runs, get_metric_history), with
// --baseline.
//   node --import tsx bench/mirror/run.ts [--runs 1000] [--epochs 100] [--grown 100] [--more 10] [--baseline]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { REPO_ROOT, VENV_PYTHON, startMlflow, startPixal, type TestServer } from '../../tests/support/servers.ts';
import type { MirrorStatus } from '../../server/mirror/status.ts';
import type { SyncReport } from '../../server/mirror/sync-report.ts';
import { createExperiment, populateOverRest, runShapes, type RunShape } from '../tracking/workloads.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    epochs: { type: 'string', default: '100' },
    grown: { type: 'string', default: '100' },
    more: { type: 'string', default: '10' },
    baseline: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const EPOCHS = Number(args.epochs);
const GROWN = Math.min(RUNS, Number(args.grown));
const MORE = Number(args.more);
const T0 = 1_700_000_000_000;

const log = (message: string) => console.error(`[bench] ${message}`);

/** The tracking bench's runs with the five series a PIXAL training logs per epoch. */
function trainingRuns(): RunShape[] {
  return runShapes(RUNS, EPOCHS, T0).map((shape) => ({
    ...shape,
    metrics: {
      loss: shape.metrics.loss!,
      val_loss: shape.metrics.val_loss!,
      val_mse: shape.metrics.val_loss!.map((v) => +(v * 0.9).toFixed(6)),
      learning_rate: shape.metrics.loss!.map(() => 0.002),
      epoch_seconds: shape.metrics.loss!.map((_, step) => 1 + (step % 7) / 10),
    },
  }));
}

async function call<T>(url: string, path: string, body: object): Promise<T> {
  const res = await fetch(`${url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** `MORE` further epochs on the first `GROWN` runs (by name), one log-batch per run. */
async function logMoreEpochs(remoteUrl: string, experimentId: string): Promise<number> {
  let added = 0;
  for (let i = 0; i < GROWN; i++) {
    const found = await call<{ runs: { info: { run_id: string } }[] }>(remoteUrl, 'runs/search', { experiment_ids: [experimentId], filter: `attributes.run_name = 'run-${i}'`, max_results: 1 });
    const runId = found.runs[0]!.info.run_id;
    const metrics = ['loss', 'val_loss', 'val_mse', 'learning_rate', 'epoch_seconds'].flatMap((key) =>
      Array.from({ length: MORE }, (_, k) => ({ key, value: 0.001 * (k + 1), step: EPOCHS + k, timestamp: T0 + i * 1000 + EPOCHS + k })),
    );
    await call(remoteUrl, 'runs/log-batch', { run_id: runId, metrics });
    added += metrics.length;
  }
  return added;
}

/** Every run's full histories read through the official client, as a script copying a server would. */
const CLIENT_READ = `
import json, sys, time
from mlflow.tracking import MlflowClient
client = MlflowClient()
t0 = time.perf_counter()
runs = client.search_runs([sys.argv[1]], max_results=50000)
points = sum(len(client.get_metric_history(r.info.run_id, key)) for r in runs for key in r.data.metrics)
print(json.dumps({"seconds": time.perf_counter() - t0, "runs": len(runs), "points": points}))
`;

function readWithPythonClient(remoteUrl: string, experimentId: string): { seconds: number; runs: number; points: number } {
  const out = execFileSync(VENV_PYTHON, ['-c', CLIENT_READ, experimentId], { env: { ...process.env, MLFLOW_TRACKING_URI: remoteUrl }, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { seconds: number; runs: number; points: number };
}

async function mirrorStatus(url: string): Promise<MirrorStatus> {
  const res = await fetch(`${url}/api/pixal/mirror`);
  if (!res.ok) throw new Error(`mirror status: ${res.status} ${await res.text()}`);
  return res.json() as Promise<MirrorStatus>;
}

/** Waits for the pass under way (`ask` false: the one the mirror starts with) or asks for one first; returns its report. */
async function syncAndWait(url: string, ask: boolean): Promise<SyncReport> {
  const asked = Date.now();
  if (ask) {
    const res = await fetch(`${url}/api/pixal/mirror/sync`, { method: 'POST' });
    if (res.status !== 202) throw new Error(`sync: ${res.status} ${await res.text()}`);
  }
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const status = await mirrorStatus(url);
    if (status.state === 'syncing') continue;
    if (status.last_error) throw new Error(`the pass failed: ${status.last_error}`);
    if (status.last_pass && (!ask || status.last_pass.started >= asked)) return status.last_pass;
  }
}

function metricRows(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

interface PassRow {
  pass: string;
  seconds: number;
  requests: number;
  megabytes: number;
  pointsAdded: number;
  runsChanged: number;
}

const row = (pass: string, report: SyncReport): PassRow => ({
  pass,
  seconds: (report.finished - report.started) / 1000,
  requests: report.requests,
  megabytes: report.bytes / 1e6,
  pointsAdded: report.points_added,
  runsChanged: report.runs_changed,
});

async function main(): Promise<void> {
  const points = RUNS * EPOCHS * 5;
  log(`starting the real mlflow server`);
  const remote: TestServer = await startMlflow();
  let mirror: TestServer | undefined;
  try {
    const experimentId = await createExperiment(remote.url, 'mirror-bench');
    log(`logging ${RUNS} runs x ${EPOCHS} epochs x 5 metrics (${points} points) to it over REST`);
    const t0 = performance.now();
    await populateOverRest(remote.url, experimentId, trainingRuns(), 4);
    const populateSeconds = (performance.now() - t0) / 1000;
    log(`logged in ${populateSeconds.toFixed(1)} s`);

    log('starting pixal server --mirror (its first pass starts at once)');
    mirror = await startPixal({ spawned: true, mirror: remote.url });
    const first = await syncAndWait(mirror.url, false);
    const rowsAfterFirst = metricRows(mirror.dbPath);
    log(`first pass ${((first.finished - first.started) / 1000).toFixed(1)} s, ${rowsAfterFirst} metric rows in the replica`);
    if (rowsAfterFirst !== points) throw new Error(`the replica holds ${rowsAfterFirst} metric points, the remote ${points}`);

    log(`logging ${MORE} more epochs on ${GROWN} runs`);
    const more = await logMoreEpochs(remote.url, experimentId);
    const grown = await syncAndWait(mirror.url, true);
    const rowsAfterGrown = metricRows(mirror.dbPath);
    if (rowsAfterGrown !== points + more) throw new Error(`after the incremental pass the replica holds ${rowsAfterGrown} points, the remote ${points + more}`);
    const idle = await syncAndWait(mirror.url, true);

    // After the passes: at 1,000 runs the client's read left the single-worker server unresponsive for minutes.
    let baseline: { seconds: number; runs: number; points: number } | undefined;
    if (args.baseline) {
      log('reading every run and history through the official Python client (the baseline)');
      baseline = readWithPythonClient(remote.url, experimentId);
      log(`read in ${baseline.seconds.toFixed(1)} s`);
    }

    const rows = [row(`first (${RUNS} runs, ${points} points)`, first), row(`incremental (+${MORE} epochs on ${GROWN} runs, ${more} points)`, grown), row('nothing new', idle)];
    const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]!.toFixed(2)} at the end`;
    console.log(`Mirror of a real mlflow server, ${RUNS} runs x ${EPOCHS} epochs x 5 metrics (populated over REST in ${populateSeconds.toFixed(1)} s)\n`);
    console.log('| pass | seconds | requests | MB received | points added | runs changed |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.pass} | ${r.seconds.toFixed(1)} | ${r.requests} | ${r.megabytes.toFixed(1)} | ${r.pointsAdded} | ${r.runsChanged} |`);
    if (baseline) {
      console.log(`| baseline: MlflowClient search_runs + get_metric_history per run and key (reads only) | ${baseline.seconds.toFixed(1)} | ${baseline.runs * 5 + 1} | | ${baseline.points} read | |`);
      console.log(`\nfirst pass / Python client read: ${(rows[0]!.seconds / baseline.seconds).toFixed(2)}x the time`);
    }
    console.log(`incremental / first: ${((100 * grown.bytes) / first.bytes).toFixed(2)} % of the bytes, ${((100 * grown.requests) / first.requests).toFixed(1)} % of the requests`);
    console.log(`machine: ${machine}`);
    const outDir = join(REPO_ROOT, 'bench/output');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'mirror.json'), JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, epochs: EPOCHS, populateSeconds, baseline, passes: rows }, null, 1));
  } finally {
    await mirror?.close();
    await remote.close();
  }
}

await main();
