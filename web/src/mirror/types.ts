// GET /api/pixal/mirror and the `mirror` server event: the state of the remote MLflow this server mirrors.
export interface MirrorPass {
  started: number;
  finished: number;
  requests: number;
  bytes: number;
  runs_changed: number;
  points_added: number;
  models_changed: number;
}

export interface MirrorStatus {
  enabled: boolean;
  url?: string;
  state: 'idle' | 'syncing' | 'unreachable';
  /** True while the remote is unreachable: promotions and validation launches need it. */
  read_only: boolean;
  last_success?: number;
  last_attempt?: number;
  last_error?: string;
  /** When the remote stopped answering (the first failed request since the last success). */
  unreachable_since?: number;
  last_pass?: MirrorPass;
}
