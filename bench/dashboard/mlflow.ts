// The comparison point: the real `mlflow server` holding exactly the same runs, parameters, tags and
// metric histories as our store (rows copied table to table through SQLite's ATTACH: MLflow's single
// REST worker would need many minutes to ingest 5M points), and the REST calls its UI would make.
import Database from 'better-sqlite3';
import { request } from 'node:http';

/** Copies the given experiments with all their runs from our store into MLflow's (same ids). */
export function copyIntoMlflow(ourDbPath: string, mlflowDbPath: string, experimentIds: string[]): void {
  const db = new Database(mlflowDbPath);
  db.pragma('busy_timeout = 10000');
  try {
    db.prepare('ATTACH DATABASE ? AS ours').run(ourDbPath);
    const ids = experimentIds.map(Number).join(',');
    const runsOf = `SELECT run_uuid FROM ours.runs WHERE experiment_id IN (${ids})`;
    db.transaction(() => {
      db.exec(`
        INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
          SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time FROM ours.experiments WHERE experiment_id IN (${ids});
        INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
          SELECT run_uuid, run_name, 'UNKNOWN', '', '', user_id, status, start_time, end_time, '', lifecycle_stage, artifact_uri, experiment_id FROM ours.runs WHERE experiment_id IN (${ids});
        INSERT INTO params (key, value, run_uuid) SELECT key, value, run_uuid FROM ours.params WHERE run_uuid IN (${runsOf});
        INSERT INTO tags (key, value, run_uuid) SELECT key, value, run_uuid FROM ours.run_tags WHERE run_uuid IN (${runsOf});
        INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT key, value, timestamp, run_uuid, step, is_nan FROM ours.metrics WHERE run_uuid IN (${runsOf});
        INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) SELECT key, value, timestamp, step, is_nan, run_uuid FROM ours.latest_metrics WHERE run_uuid IN (${runsOf});
      `);
    })();
    db.exec('DETACH DATABASE ours');
  } finally {
    db.close();
  }
}

/**
 * One exchange over a fresh connection through node:http, without fetch's 300 s header timeout (MLflow's sampled
 * histories of 100 runs x 10k points take longer than that here) and without reusing a kept-alive connection that
 * uvicorn may be closing.
 */
function call<T>(url: string, what: string, body?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body ? JSON.stringify(body) : undefined;
    const headers = payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {};
    const req = request(url, { method: payload ? 'POST' : 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`${what} → ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve(JSON.parse(text) as T);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** All runs of an experiment through MLflow's search-runs, page by page (1000 per page); returns the count. */
export async function searchAllRuns(url: string, experimentId: string): Promise<number> {
  let count = 0;
  let pageToken: string | undefined;
  do {
    const body = { experiment_ids: [experimentId], max_results: 1000, page_token: pageToken };
    const page = await call<{ runs?: unknown[]; next_page_token?: string }>(`${url}/api/2.0/mlflow/runs/search`, 'runs/search', body);
    count += page.runs?.length ?? 0;
    pageToken = page.next_page_token || undefined;
  } while (pageToken);
  return count;
}

/** Runs `tasks` with at most `width` in flight (a browser opens 6 connections per host). */
async function pooled<T>(tasks: (() => Promise<T>)[], width = 6): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

/** Every full history (get-history without max_results: all points in one answer), 6 calls at a time; returns the points. */
export async function fullHistories(url: string, runIds: string[], keys: string[]): Promise<number> {
  const tasks = runIds.flatMap((runId) =>
    keys.map((key) => async () => {
      const q = new URLSearchParams({ run_id: runId, metric_key: key });
      const page = await call<{ metrics?: unknown[] }>(`${url}/api/2.0/mlflow/metrics/get-history?${q}`, 'metrics/get-history');
      return page.metrics?.length ?? 0;
    }),
  );
  return (await pooled(tasks)).reduce((a, b) => a + b, 0);
}

/** What MLflow's own charts fetch: get-history-bulk-interval, one call per key for up to 100 runs, sampled. */
export async function sampledHistories(url: string, runIds: string[], keys: string[], maxResults = 1000): Promise<number> {
  const tasks = keys.map((key) => async () => {
    const q = new URLSearchParams({ metric_key: key, max_results: String(maxResults) });
    for (const id of runIds) q.append('run_ids', id);
    const page = await call<{ metrics?: unknown[] }>(`${url}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?${q}`, 'get-history-bulk-interval');
    return page.metrics?.length ?? 0;
  });
  return (await pooled(tasks)).reduce((a, b) => a + b, 0);
}
