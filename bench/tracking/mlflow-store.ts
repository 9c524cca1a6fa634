// Populates the real MLflow server's SQLite store directly with the rows its own REST calls
// would write (runs, tags, params, metric history, latest metrics). Over REST its single worker
// takes many minutes for 10k runs; the rows are the same, so the searches measure the same thing.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { RunShape } from './workloads.ts';

export function populateMlflowStore(dbPath: string, experimentId: string, shapes: RunShape[]): void {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 10000');
  try {
    const run = db.prepare(
      `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
       VALUES (?, ?, 'UNKNOWN', '', '', '', 'RUNNING', ?, NULL, '', 'active', ?, ?)`,
    );
    const tag = db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)');
    const param = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
    const metric = db.prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
    const latest = db.prepare('INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)');
    db.transaction(() => {
      for (const shape of shapes) {
        const runId = randomUUID().replace(/-/g, '');
        run.run(runId, shape.runName, shape.startTime, `mlflow-artifacts:/${experimentId}/${runId}/artifacts`, Number(experimentId));
        tag.run('mlflow.runName', shape.runName, runId);
        for (const [key, value] of Object.entries(shape.tags)) tag.run(key, value, runId);
        for (const [key, value] of Object.entries(shape.params)) param.run(key, value, runId);
        for (const [key, values] of Object.entries(shape.metrics)) {
          values.forEach((value, step) => metric.run(key, value, shape.startTime + step, runId, step));
          const last = values.length - 1;
          latest.run(key, values[last]!, shape.startTime + last, last, runId);
        }
      }
    })();
  } finally {
    db.close();
  }
}
