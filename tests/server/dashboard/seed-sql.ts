// Large stores written straight into SQLite in one transaction (the REST API would take minutes for
// millions of points): runs with params, tags, latest metrics and optionally full metric histories.
import type Database from 'better-sqlite3';

export interface SeedShape {
  experimentId: number;
  runs: number;
  params: number;
  metrics: number;
  tags: number;
  /** Points per metric per run in `metrics` (0: only latest values). */
  steps: number;
  startTime?: number;
}

const hex = (i: number, salt: number) => (salt.toString(16).padStart(8, '0') + i.toString(16).padStart(24, '0')).slice(-32);

/** Seeds the runs and returns their IDs (run i starts at startTime + i). */
export function seedRuns(db: Database.Database, shape: SeedShape): string[] {
  const start = shape.startTime ?? 1_700_000_000_000;
  const salt = Math.floor(Math.random() * 0xffffffff);
  const ids = Array.from({ length: shape.runs }, (_, i) => hex(i, salt));
  const insertRun = db.prepare(
    "INSERT INTO runs (run_uuid, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage) VALUES (?, ?, ?, 'seed', 'FINISHED', ?, ?, ?, 'active')",
  );
  const insertParam = db.prepare('INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)');
  const insertTag = db.prepare('INSERT INTO run_tags (run_uuid, key, value) VALUES (?, ?, ?)');
  const insertLatest = db.prepare('INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, 0)');
  // The history of one (run, key) in one statement: a sine with a spike at step 7777.
  const insertHistory = db.prepare(
    `WITH RECURSIVE s(step) AS (SELECT 0 UNION ALL SELECT step + 1 FROM s WHERE step < ? - 1)
     INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan)
     SELECT ?, ?, step, ? + step * 1000, CASE WHEN step = 7777 THEN 100.0 ELSE ? + sin(step / 500.0) END, 0 FROM s`,
  );
  db.transaction(() => {
    ids.forEach((id, i) => {
      insertRun.run(id, shape.experimentId, `run-${i}`, start + i, start + i + 60_000, `mlflow-artifacts:/${shape.experimentId}/${id}/artifacts`);
      insertTag.run(id, 'mlflow.runName', `run-${i}`);
      for (let p = 0; p < shape.params; p++) insertParam.run(id, `param_${p}`, String((i * (p + 1)) % 7));
      for (let t = 1; t < shape.tags; t++) insertTag.run(id, `tag_${t}`, `v${i % (t + 2)}`);
      for (let m = 0; m < shape.metrics; m++) {
        const key = `metric_${m}`;
        const last = Math.max(shape.steps - 1, 0);
        insertLatest.run(id, key, last, start + last * 1000, (i % 100) / 100 + m);
        if (shape.steps > 0) insertHistory.run(shape.steps, id, key, start, m);
      }
    });
  })();
  return ids;
}
