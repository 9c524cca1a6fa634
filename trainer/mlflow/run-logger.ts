// Logging to one run without waiting on the network: metrics, params and tags are buffered and sent
// through runs/log-batch, on a timer, as soon as a full batch is ready, and on flush()/close().
//
// Every request of the run goes through one queue, so the server sees them in logging order. When
// the server stays unreachable after retries, the request and all later ones go to the run's spool
// on disk instead, and a background loop replays the spool, in order, once the server answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { logBatchBody, splitIntoBatches, LOG_BATCH_LIMITS } from './batch.ts';
import { isTransient, MlflowClientError } from './errors.ts';
import type { Transport } from './http.ts';
import { DEFAULT_SPOOL_DIR, drainSpool, RunSpool, type DrainResult, type SpooledPath } from './spool.ts';
import type { EndStatus, MetricPoint } from './types.ts';

export interface RunLoggerOptions {
  /** Buffered data is sent at least this often; default 1 s. */
  flushIntervalMs?: number;
  /** Where the run's spool file goes (`<dir>/<run_id>.jsonl`); default `mlruns/.spool`. */
  spoolDir?: string;
  /** How often the spool is retried while the server is unreachable; default 1 s. */
  replayIntervalMs?: number;
  /** How long close() waits for the spool to drain; default 30 s. */
  drainTimeoutMs?: number;
}

export interface CloseOptions {
  /** Ends the run with this status (after everything logged before), setting end_time. */
  endStatus?: EndStatus;
  endTime?: number;
  drainTimeoutMs?: number;
}

export interface CloseReport {
  runId: string;
  /** True when every request reached the server (a refused one counts as reached: see `rejected`). */
  drained: boolean;
  /** Requests still in the spool file. */
  pending: number;
  spoolFile: string;
  /** Requests the server refused (4xx); their data is not in the run. */
  rejected: MlflowClientError[];
  /** One paragraph for a person: what happened and what to do. */
  message: string;
}

// Any JSON object: the logger needs only to know the request was accepted.
const anyAnswer = z.object({});

export class RunLogger {
  private metrics: MetricPoint[] = [];
  private readonly params = new Map<string, string>();
  private readonly tags = new Map<string, string>();
  /** Every param value logged, to refuse a change before MLflow does (and not resend repeats). */
  private readonly paramValues = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly spool: RunSpool;
  private readonly flushTimer: NodeJS.Timeout;
  private replayTimer: NodeJS.Timeout | undefined;
  private replayQueued = false;
  private closing: Promise<CloseReport> | undefined;
  private readonly rejected: MlflowClientError[] = [];
  private lastOutage: MlflowClientError | undefined;
  private readonly replayIntervalMs: number;
  private readonly drainTimeoutMs: number;

  constructor(
    private readonly http: Transport,
    readonly runId: string,
    options: RunLoggerOptions = {},
  ) {
    this.replayIntervalMs = options.replayIntervalMs ?? 1000;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    this.spool = RunSpool.open(options.spoolDir ?? DEFAULT_SPOOL_DIR, runId);
    this.flushTimer = setInterval(() => {
      if (this.hasBuffered()) this.flushInBackground();
    }, options.flushIntervalMs ?? 1000).unref();
    // What an earlier process of this run left behind goes first.
    if (this.spool.pending.length > 0) this.startReplay();
  }

  logMetric(key: string, value: number, step = 0, timestamp = Date.now()): void {
    this.assertOpen();
    if (typeof value !== 'number') throw new TypeError(`metric '${key}': value must be a number, got ${typeof value}`);
    if (!Number.isInteger(step) || !Number.isInteger(timestamp)) throw new TypeError(`metric '${key}': step and timestamp must be integers`);
    this.metrics.push({ key, value, step, timestamp });
    if (this.metrics.length >= LOG_BATCH_LIMITS.metrics) this.flushInBackground();
  }

  logMetrics(values: Record<string, number>, step = 0, timestamp = Date.now()): void {
    for (const [key, value] of Object.entries(values)) this.logMetric(key, value, step, timestamp);
  }

  /** Params are immutable in MLflow: the same value again is a no-op, another value an error. */
  logParam(key: string, value: string | number | boolean): void {
    this.assertOpen();
    const text = String(value);
    const previous = this.paramValues.get(key);
    if (previous === text) return;
    if (previous !== undefined) throw new Error(`param '${key}' was logged as '${previous}': MLflow does not allow changing it to '${text}'`);
    this.paramValues.set(key, text);
    this.params.set(key, text);
    if (this.params.size >= LOG_BATCH_LIMITS.params) this.flushInBackground();
  }

  logParams(values: Record<string, string | number | boolean>): void {
    for (const [key, value] of Object.entries(values)) this.logParam(key, value);
  }

  setTag(key: string, value: string): void {
    this.assertOpen();
    this.tags.set(key, value);
    if (this.tags.size >= LOG_BATCH_LIMITS.tags) this.flushInBackground();
  }

  setTags(values: Record<string, string>): void {
    for (const [key, value] of Object.entries(values)) this.setTag(key, value);
  }

  /**
   * Sends everything buffered; resolves once it reached the server or the spool on disk. Rejects
   * with the server's error when it refused a batch (that batch's data is lost: fix the cause).
   */
  flush(): Promise<void> {
    const batches = splitIntoBatches({ metrics: this.metrics, params: this.takeEntries(this.params), tags: this.takeEntries(this.tags) });
    this.metrics = [];
    return this.enqueue(async () => {
      let refused: MlflowClientError | undefined;
      for (const batch of batches) refused = (await this.deliver('runs/log-batch', logBatchBody(this.runId, batch))) ?? refused;
      if (refused) throw refused;
    });
  }

  /**
   * Flushes, ends the run when asked (after its data), then waits up to drainTimeoutMs for the spool
   * to drain. What could not be sent stays in the spool file; `replaySpool` sends it later.
   */
  close(options: CloseOptions = {}): Promise<CloseReport> {
    this.closing ??= this.shutDown(options);
    return this.closing;
  }

  private async shutDown(options: CloseOptions): Promise<CloseReport> {
    clearInterval(this.flushTimer);
    await this.flush().catch(() => undefined); // refusals are kept in this.rejected
    if (options.endStatus)
      await this.enqueue(() => this.deliver('runs/update', { run_id: this.runId, status: options.endStatus, end_time: options.endTime ?? Date.now() }));
    const deadline = Date.now() + (options.drainTimeoutMs ?? this.drainTimeoutMs);
    while (this.spool.pending.length > 0) {
      await this.replay();
      const left = deadline - Date.now();
      if (this.spool.pending.length === 0 || left <= 0) break;
      await sleep(Math.min(this.replayIntervalMs, left));
    }
    this.stopReplay();
    this.spool.close();
    return this.report(options.drainTimeoutMs ?? this.drainTimeoutMs);
  }

  private report(waitedMs: number): CloseReport {
    const pending = this.spool.pending.length;
    const lines: string[] = [];
    if (pending > 0)
      lines.push(
        `${pending} request(s) of run ${this.runId} could not reach ${this.http.config.baseUrl} within ${waitedMs} ms` +
          `${this.lastOutage ? ` (last error: ${this.lastOutage.serverMessage})` : ''}; they are kept in ${this.spool.file}. ` +
          `Replay them with replaySpool() once the server is back.`,
      );
    if (this.rejected.length > 0) lines.push(`${this.rejected.length} request(s) of run ${this.runId} were refused by the server; first: ${this.rejected[0]!.message}`);
    if (lines.length === 0) lines.push(`everything logged to run ${this.runId} reached ${this.http.config.baseUrl}`);
    return { runId: this.runId, drained: pending === 0, pending, spoolFile: this.spool.file, rejected: [...this.rejected], message: lines.join('\n') };
  }

  private hasBuffered(): boolean {
    return this.metrics.length > 0 || this.params.size > 0 || this.tags.size > 0;
  }

  private takeEntries(map: Map<string, string>): { key: string; value: string }[] {
    const entries = [...map].map(([key, value]) => ({ key, value }));
    map.clear();
    return entries;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error(`run logger of ${this.runId} is closed`);
  }

  private flushInBackground(): void {
    this.flush().catch(() => undefined); // refusals are kept in this.rejected and reported by close()
  }

  /** Runs `task` after every request queued before it. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Sends one request (with retries), or spools it: always when older requests are still spooled
   * (order), and when the server stays unreachable. Returns the server's refusal, if any.
   */
  private async deliver(path: SpooledPath, body: Record<string, unknown>): Promise<MlflowClientError | undefined> {
    if (this.spool.pending.length === 0) {
      try {
        await this.http.api('POST', path, body, anyAnswer);
        return undefined;
      } catch (err) {
        if (!isTransient(err)) {
          if (!(err instanceof MlflowClientError)) throw err;
          this.rejected.push(err);
          return err;
        }
        this.lastOutage = err as MlflowClientError;
      }
    }
    this.spool.append(path, body);
    this.startReplay();
    return undefined;
  }

  /** One pass over the spool, in the queue; one attempt per request (the loop is the retry). */
  private replay(): Promise<DrainResult> {
    return this.enqueue(async () => {
      const once = { ...this.http.config.retry, maxAttempts: 1 };
      const result = await drainSpool(this.spool, async (record) => {
        await this.http.api('POST', record.path, record.body, anyAnswer, once);
      });
      this.rejected.push(...result.rejected);
      if (result.blockedBy) this.lastOutage = result.blockedBy;
      if (this.spool.pending.length === 0) this.stopReplay();
      return result;
    });
  }

  private startReplay(): void {
    this.replayTimer ??= setInterval(() => {
      if (this.replayQueued) return;
      this.replayQueued = true;
      this.replay()
        .catch(() => undefined)
        .finally(() => (this.replayQueued = false));
    }, this.replayIntervalMs).unref();
  }

  private stopReplay(): void {
    clearInterval(this.replayTimer);
    this.replayTimer = undefined;
  }
}
