import type { Logger } from 'pino';
import type { Db } from './db/open.ts';
import type { EventBus } from './dashboard/events.ts';
import type { JobRunner } from './dashboard/jobs/runner.ts';
import type { MetricRollups } from './dashboard/rollups.ts';
import type { Mirror } from './mirror/mirror.ts';

/** What every route module needs: the store, where artifacts live, the logger, and the dashboard's services. */
export interface ServerContext {
  db: Db;
  /** Absolute path of the artifacts destination (`--artifacts-destination`). */
  artifactsRoot: string;
  logger: Logger;
  /** Live updates for the dashboard: routes publish here after their writes commit. */
  events: EventBus;
  /** Validation jobs launched from the dashboard. */
  jobs: JobRunner;
  /** Min/max per bucket of every metric history, for sampled histories of long runs. */
  rollups: MetricRollups;
  /** The built web app served at `/` (web/dist). */
  webDist: string;
  /** The remote MLflow server this store mirrors (`--mirror`); the store is then a read-only replica. */
  mirror?: Mirror;
}
