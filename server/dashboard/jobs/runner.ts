// Runs dashboard jobs one at a time (two cores do not gain from parallel validations): each is
// `pixal validate` as a child process logging to this very server (to the remote when this server
// mirrors one, then a sync pass brings the validation runs here), its progress read from the child's
// `--progress-json` lines, every change saved in the jobs table and published as an event.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Db } from '../../db/open.ts';
import type { AuthSpec } from '../../http/auth.ts';
import { MlflowError } from '../../http/errors.ts';
import type { Mirror } from '../../mirror/mirror.ts';
import type { RemoteOptions } from '../../mirror/remote.ts';
import { remoteUnavailable } from '../../mirror/writes.ts';
import type { EventBus } from '../events.ts';
import { validationRunsSince } from '../validations.ts';
import { ChildOutput } from './output.ts';
import type { Job } from './job.ts';
import { JobStore } from './store.ts';
import type { CheckedValidation } from './validate-request.ts';

const PIXAL_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../trainer/cli/bin.mjs');
/** Progress lines can come per image: the row and the event follow at most this often. */
const PROGRESS_EVERY_MS = 250;
const RESTARTED = 'server restarted while the job ran';
const STOPPED = 'server stopped while the job ran';

export interface JobRunnerOptions {
  db: Db;
  events: EventBus;
  logger: Logger;
  auth: AuthSpec;
  /** Where job commands run, so their relative outputs (validate/<component>/...) land there. */
  workDir: string;
  /** The remote this server mirrors: jobs log there with its credentials. */
  mirror?: Mirror;
}

interface Pending {
  job: Job;
  sourceRunId: string;
}

interface Running extends Pending {
  child: ChildProcess;
  output: ChildOutput;
  flushTimer?: NodeJS.Timeout;
}

const CREDENTIAL_VARS = ['MLFLOW_TRACKING_TOKEN', 'MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD'] as const;

/** Credentials the child needs to log to a server, as MLflow's client reads them. */
function credentialsEnv(auth: AuthSpec): NodeJS.ProcessEnv {
  if (auth.kind === 'token') return { MLFLOW_TRACKING_TOKEN: auth.token };
  if (auth.kind === 'basic') return { MLFLOW_TRACKING_USERNAME: auth.user, MLFLOW_TRACKING_PASSWORD: auth.password };
  return {};
}

/** Where the child logs: the remote with its credentials when mirroring one, else this server with ours. */
export function childTrackingEnv(ownUrl: string, auth: AuthSpec, remote?: RemoteOptions): NodeJS.ProcessEnv {
  if (!remote) return { MLFLOW_TRACKING_URI: ownUrl, ...credentialsEnv(auth) };
  const { token, username, password } = remote;
  const remoteAuth: AuthSpec = token ? { kind: 'token', token } : username ? { kind: 'basic', user: username, password: password ?? '' } : { kind: 'none' };
  return { MLFLOW_TRACKING_URI: remote.url, ...credentialsEnv(remoteAuth) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class JobRunner {
  private readonly store: JobStore;
  private readonly queue: Pending[] = [];
  private running?: Running;
  private url?: string;
  private stopped = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.store = new JobStore(options.db);
  }

  /** The URL a child process reaches this server at, known once the server listens. */
  listeningAt(url: string): void {
    this.url = url;
  }

  /** At start: jobs whose server process is gone can never finish. */
  recover(): void {
    for (const { job, ownerPid } of this.store.unfinished()) {
      if (ownerPid !== process.pid && isAlive(ownerPid)) continue;
      this.save({ ...job, status: 'FAILED', error: RESTARTED });
    }
  }

  submitValidation(checked: CheckedValidation): Job {
    if (this.stopped || this.url === undefined) throw new MlflowError('TEMPORARILY_UNAVAILABLE', 'The server is not accepting jobs (starting or stopping).');
    const { mirror } = this.options;
    if (mirror && !mirror.isReachable()) throw remoteUnavailable(mirror);
    const now = Date.now();
    const job: Job = {
      job_id: randomUUID().replace(/-/g, ''),
      kind: 'validate',
      status: 'QUEUED',
      params: checked.params,
      progress: { done: 0, total: 0, stage: 'queued' },
      error: null,
      result_run_ids: [],
      log_tail: '',
      created_time: now,
      updated_time: now,
    };
    this.store.insert(job, process.pid);
    this.options.events.publish({ type: 'job', data: job });
    this.queue.push({ job, sourceRunId: checked.sourceRunId });
    this.next();
    return this.store.get(job.job_id);
  }

  get(jobId: string): Job {
    return this.store.get(jobId);
  }

  list(limit: number): Job[] {
    return this.store.list(limit);
  }

  /** Kills the running child and fails every unfinished job (the database is about to close). */
  stop(): void {
    this.stopped = true;
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearTimeout(running.flushTimer);
      running.child.kill('SIGTERM');
      this.save({ ...running.job, status: 'FAILED', error: STOPPED, log_tail: running.output.logTail });
    }
    for (const pending of this.queue.splice(0)) this.save({ ...pending.job, status: 'FAILED', error: STOPPED });
  }

  private save(job: Job): Job {
    const saved = { ...job, updated_time: Date.now() };
    this.store.update(saved);
    this.options.events.publish({ type: 'job', data: saved });
    return saved;
  }

  private next(): void {
    if (this.running || this.stopped) return;
    const pending = this.queue.shift();
    if (pending) this.start(pending);
  }

  private start(pending: Pending): void {
    const { params } = pending.job;
    const model = params.run_id !== undefined ? ['--run', params.run_id] : ['--model', params.model_uri!];
    const env: NodeJS.ProcessEnv = { ...process.env };
    // Only the credentials of the server the child logs to: a token from our environment must not win over them.
    for (const name of CREDENTIAL_VARS) delete env[name];
    Object.assign(env, childTrackingEnv(this.url!, this.options.auth, this.options.mirror?.remote.options));
    const child = spawn(process.execPath, [PIXAL_BIN, 'validate', '-i', params.input_dir, ...model, '--progress-json'], {
      cwd: this.options.workDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = new ChildOutput();
    const running: Running = { ...pending, job: this.save({ ...pending.job, status: 'RUNNING', progress: output.progress }), child, output };
    this.running = running;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (output.stdoutLine(line)) this.scheduleFlush(running);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => output.stderrLine(line));
    child.once('error', (err) => this.finish(running, `could not start the validation: ${err.message}`));
    child.once('close', (code, signal) => this.finish(running, code === 0 ? null : output.failure(signal ?? `code ${code}`)));
  }

  private scheduleFlush(running: Running): void {
    if (running.flushTimer) return;
    running.flushTimer = setTimeout(() => {
      running.flushTimer = undefined;
      if (this.running !== running) return;
      running.job = this.save({ ...running.job, progress: running.output.progress, log_tail: running.output.logTail });
    }, PROGRESS_EVERY_MS);
  }

  private finish(running: Running, error: string | null): void {
    if (this.running !== running) return; // stopped, or already finished ('error' then 'close')
    this.running = undefined;
    clearTimeout(running.flushTimer);
    const { output, job } = running;
    const runIds = output.runIds.length > 0 ? output.runIds : validationRunsSince(this.options.db, running.sourceRunId, job.created_time);
    const progress = error === null ? { ...output.progress, done: output.progress.total, stage: 'done' } : output.progress;
    const saved = this.save({ ...job, status: error === null ? 'FINISHED' : 'FAILED', error, progress, result_run_ids: runIds, log_tail: output.logTail });
    this.options.logger.info({ job: job.job_id, status: saved.status }, 'job finished');
    this.next();
    if (this.options.mirror) this.syncResults(this.options.mirror, saved, running.sourceRunId);
  }

  /** The job logged to the remote: a sync pass brings its runs here at once (and into the job, when its output named none). */
  private syncResults(mirror: Mirror, job: Job, sourceRunId: string): void {
    mirror.syncNow().then(
      () => {
        if (this.stopped || job.result_run_ids.length > 0) return;
        const runIds = validationRunsSince(this.options.db, sourceRunId, job.created_time);
        if (runIds.length > 0) this.save({ ...job, result_run_ids: runIds });
      },
      (err: unknown) => this.options.logger.warn({ err, job: job.job_id }, 'sync pass after a job failed'),
    );
  }
}
