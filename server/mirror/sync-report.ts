// What one sync pass did, as GET /api/pixal/mirror shows it (`last_pass`) and the bench reads it.
export interface SyncReport {
  started: number;
  finished: number;
  /** Requests sent to the remote during the pass, and bytes of their answers. */
  requests: number;
  bytes: number;
  experiments_changed: number;
  /** Runs whose info, params, tags, inputs or metrics changed (new runs included). */
  runs_changed: number;
  /** Metric points the remote sent, and those of them new to the mirror. */
  points_received: number;
  points_added: number;
  models_changed: number;
}

/** The counters a pass adds up while it runs. */
export type PassCounts = Omit<SyncReport, 'started' | 'finished' | 'requests' | 'bytes'>;

export function emptyCounts(): PassCounts {
  return { experiments_changed: 0, runs_changed: 0, points_received: 0, points_added: 0, models_changed: 0 };
}
