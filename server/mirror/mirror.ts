// The mirror of a remote MLflow server: runs sync passes one at a time (on an interval and on
// demand; a request during a pass joins it), keeps the status the dashboard shows (persisted in
// mirror_state, so "as of" survives a restart) and publishes it as `mirror` events. A remote that
// cannot be reached makes the mirror read-only until a pass succeeds again; passes are retried with
// a backoff of 5 s doubling up to 60 s (never later than the interval).
import type { Logger } from 'pino';
import type { Db } from '../db/open.ts';
import type { EventBus } from '../dashboard/events.ts';
import { RemoteUnreachableError, type RemoteMlflow } from './remote.ts';
import { readMirrorState, recordPassFailed, recordPassStarted, recordPassSucceeded } from './state.ts';
import { PassStopped } from './sync-context.ts';
import { runPass } from './sync-pass.ts';
import type { SyncReport } from './sync-report.ts';
import type { MirrorStatus } from './status.ts';

export { runPass, type PassOptions } from './sync-pass.ts';
export type { SyncReport } from './sync-report.ts';
export type { MirrorStatus } from './status.ts';

export interface MirrorOptions {
  db: Db;
  events: EventBus;
  logger: Logger;
  remote: RemoteMlflow;
  /** Between two passes; 0: passes only on demand (and no retries). */
  intervalMs: number;
}

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 60_000;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class Mirror {
  readonly remote: RemoteMlflow;
  readonly url: string;
  private readonly db: Db;
  private readonly events: EventBus;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private current?: Promise<SyncReport>;
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopped = false;
  private reachable = true;
  private failures = 0;
  private unreachableSince?: number;
  private lastSuccess?: number;
  private lastAttempt?: number;
  private lastError?: string;
  private lastPass?: SyncReport;

  constructor(options: MirrorOptions) {
    this.db = options.db;
    this.events = options.events;
    this.logger = options.logger;
    this.remote = options.remote;
    this.url = options.remote.url;
    this.intervalMs = options.intervalMs;
    const stored = readMirrorState(options.db);
    this.lastSuccess = stored?.lastSuccess;
    this.lastAttempt = stored?.lastSyncStarted;
    this.lastError = stored?.lastError;
    this.lastPass = stored?.lastPass;
  }

  /** Starts the first pass now and the schedule after it. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.syncNow().catch(() => undefined); // the pass records its failure
  }

  /** Ends the schedule; a pass under way ends at its next request. Resolves once it has. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current?.catch(() => undefined);
  }

  /** Starts a pass, or joins the one under way. Rejects with the pass's error when it fails. */
  syncNow(): Promise<SyncReport> {
    if (this.stopped) return Promise.reject(new PassStopped());
    this.current ??= this.pass().finally(() => {
      this.current = undefined;
      this.publish();
      this.scheduleNext();
    });
    return this.current;
  }

  isReachable(): boolean {
    return this.reachable;
  }

  /** A request to the remote failed to reach it (a pass's, or a promotion's or an artifact's). */
  markUnreachable(err: unknown): void {
    this.noteUnreachable(err);
    if (!this.current) this.scheduleNext();
    this.publish();
  }

  private noteUnreachable(err: unknown): void {
    this.lastError = messageOf(err);
    if (this.reachable) {
      this.reachable = false;
      this.unreachableSince = Date.now();
      this.logger.warn({ remote: this.url, err: this.lastError }, 'remote MLflow unreachable; the mirror is read-only');
    }
    this.failures += 1;
  }

  status(): MirrorStatus {
    return {
      enabled: true,
      url: this.url,
      state: this.current ? 'syncing' : this.reachable ? 'idle' : 'unreachable',
      read_only: !this.reachable,
      last_success: this.lastSuccess,
      last_attempt: this.lastAttempt,
      last_error: this.lastError,
      unreachable_since: this.reachable ? undefined : this.unreachableSince,
      last_pass: this.lastPass,
    };
  }

  private async pass(): Promise<SyncReport> {
    // Runs after `current` is set (an await first), so the status published says 'syncing'.
    await Promise.resolve();
    const started = Date.now();
    this.lastAttempt = started;
    recordPassStarted(this.db, started);
    this.publish();
    try {
      const report = await runPass({
        db: this.db,
        remote: this.remote,
        events: this.events,
        logger: this.logger,
        checkpoint: () => {
          if (this.stopped) throw new PassStopped();
        },
      });
      if (!this.reachable) this.logger.info({ remote: this.url }, 'remote MLflow reachable again');
      this.reachable = true;
      this.failures = 0;
      this.unreachableSince = undefined;
      this.lastSuccess = report.finished;
      this.lastError = undefined;
      this.lastPass = report;
      recordPassSucceeded(this.db, report);
      this.logger.info({ remote: this.url, ...report }, 'mirror sync pass');
      return report;
    } catch (err) {
      if (!(err instanceof PassStopped)) {
        if (err instanceof RemoteUnreachableError) {
          this.noteUnreachable(err);
        } else {
          this.logger.error({ remote: this.url, err }, 'mirror sync pass failed');
        }
        this.lastError = messageOf(err);
        recordPassFailed(this.db, Date.now(), this.lastError);
      }
      throw err;
    }
  }

  /** The next pass: after the interval, or sooner with the backoff while the remote is away. */
  private scheduleNext(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.started || this.stopped || this.intervalMs <= 0) return;
    const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, this.failures - 1));
    const delay = this.reachable ? this.intervalMs : Math.min(backoff, Math.max(this.intervalMs, FIRST_RETRY_MS));
    this.timer = setTimeout(() => this.syncNow().catch(() => undefined), delay);
    this.timer.unref();
  }

  private publish(): void {
    this.events.publish({ type: 'mirror', data: this.status() });
  }
}
