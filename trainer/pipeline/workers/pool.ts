// A fixed pool of worker threads running the tasks of trainer/pipeline/workers/tasks.ts, one task per worker at a
// time. Typed arrays travel both ways by transfer (their buffers move, nothing is copied).
//
// OpenCV (@u4/opencv4nodejs, a Nan addon) keeps its V8 templates in process-wide statics: once a second thread
// loads it, using it in the first aborts the process. So every task that touches OpenCV runs on one designated
// worker (the "OpenCV lane"), and no other thread of the process, the main one included, may load it.
import { Worker } from 'node:worker_threads';
import type { Tasks } from './tasks.ts';

export type TaskKind = keyof Tasks;
export type TaskInput<K extends TaskKind> = Parameters<Tasks[K]>[0];
export type TaskOutput<K extends TaskKind> = Awaited<ReturnType<Tasks[K]>>;
export type OnProgress = (done: number, total: number) => void;

export interface RunOptions {
  onProgress?: OnProgress;
  /** The task loads OpenCV: run it on the pool's OpenCV lane. */
  opencv?: boolean;
}

/** A task that failed inside a worker; `file` is set when the failure concerns one file (e.g. a corrupt image). */
export class WorkerTaskError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

/** A worker's message: progress of a running task, or its end (result or error). */
export interface WorkerReply {
  id: number;
  progress?: [done: number, total: number];
  result?: unknown;
  error?: { message: string; file?: string };
}

interface Job extends RunOptions {
  id: number;
  kind: TaskKind;
  input: unknown;
  transfer: ArrayBuffer[];
  resolve(value: unknown): void;
  reject(err: Error): void;
}

const ENTRY = new URL('./entry.mjs', import.meta.url);

/** The buffers of every typed array in a task's input or output (searched a few levels deep). */
export function transferablesOf(value: unknown, depth = 3, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (depth > 0 && value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) transferablesOf(v, depth - 1, found);
  }
  return [...found];
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private opencvWorker: Worker | undefined;
  private started = 0;
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
  }

  /** Runs one task; typed arrays in `input` are transferred to the worker (do not use them afterwards). */
  run<K extends TaskKind>(kind: K, input: TaskInput<K>, options: RunOptions = {}): Promise<TaskOutput<K>> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ ...options, id: this.nextId++, kind, input, transfer: transferablesOf(input), resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Starts every queued job that has a worker free for it (OpenCV jobs wait for the OpenCV lane). */
  private dispatch(): void {
    for (let i = 0; i < this.queue.length; ) {
      const job = this.queue[i]!;
      const worker = this.workerFor(job);
      if (!worker) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.idle.splice(this.idle.indexOf(worker), 1);
      this.busy.set(worker, job);
      worker.postMessage({ id: job.id, kind: job.kind, input: job.input }, job.transfer);
    }
  }

  /** An idle worker that may run `job`, spawning one while the pool is below its size. */
  private workerFor(job: Job): Worker | undefined {
    if (job.opencv) {
      this.opencvWorker ??= this.idle.at(-1) ?? this.spawn();
      return this.opencvWorker && this.idle.includes(this.opencvWorker) ? this.opencvWorker : undefined;
    }
    // Other work prefers the other workers, keeping the OpenCV lane free for its own jobs.
    return this.idle.find((w) => w !== this.opencvWorker) ?? this.spawn() ?? this.idle[0];
  }

  private spawn(): Worker | undefined {
    if (this.started >= this.size) return undefined;
    this.started++;
    const worker = new Worker(ENTRY);
    this.idle.push(worker);
    worker.on('message', (reply: WorkerReply) => {
      const job = this.busy.get(worker);
      if (reply.progress) {
        job?.onProgress?.(...reply.progress);
        return;
      }
      this.busy.delete(worker);
      if (!this.closed) this.idle.push(worker);
      if (job) {
        if (reply.error) job.reject(new WorkerTaskError(reply.error.message, reply.error.file));
        else job.resolve(reply.result);
      }
      this.dispatch();
    });
    // A worker that dies (native crash, out of memory) fails its task; a fresh worker takes its place.
    const lost = (err: Error) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      if (this.opencvWorker === worker) this.opencvWorker = undefined;
      this.started--;
      job?.reject(new WorkerTaskError(`worker thread failed: ${err.message}`));
      if (!this.closed) this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (!this.closed && (this.busy.has(worker) || this.idle.includes(worker))) lost(new Error(`exited with code ${code}`));
    });
    return worker;
  }
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
