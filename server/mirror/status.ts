// GET /api/pixal/mirror and the `mirror` server event: the state of the remote this server mirrors.
import type { SyncReport } from './sync-report.ts';

export interface MirrorStatus {
  enabled: boolean;
  url?: string;
  state: 'idle' | 'syncing' | 'unreachable';
  /** True while the remote is unreachable: promotions and validation launches need it. */
  read_only: boolean;
  last_success?: number;
  /** When the last pass began. */
  last_attempt?: number;
  last_error?: string;
  /** When the remote stopped answering (the first failure since the last success). */
  unreachable_since?: number;
  last_pass?: SyncReport;
}

/** The status of a server that mirrors nothing. */
export const NOT_MIRRORING: MirrorStatus = { enabled: false, state: 'idle', read_only: false };
