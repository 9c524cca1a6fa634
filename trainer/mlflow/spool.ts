// A run's requests that could not reach the tracking server, kept on disk until they do.
//
// One JSON-lines file per run: request records `{"seq":1,"path":"runs/log-batch","body":{...}}` and
// acknowledgements `{"ack":1}` appended once the server accepted a record, each line fsync'd. Replay
// sends the unacknowledged records in order, so a status update follows the data logged before it.
// A record sent but not yet acknowledged when the process died is sent again: harmless, since MLflow
// keeps one copy of an identical metric point and accepts a param re-logged with the same value.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { isTransient, MlflowClientError } from './errors.ts';

/** The requests a run logger may have to keep (both idempotent). */
export const SPOOLED_PATHS = ['runs/log-batch', 'runs/update'] as const;
export type SpooledPath = (typeof SPOOLED_PATHS)[number];

const recordSchema = z.object({ seq: z.number().int().positive(), path: z.enum(SPOOLED_PATHS), body: z.record(z.unknown()) });
const ackSchema = z.object({ ack: z.number().int().positive() });
export type SpoolRecord = z.output<typeof recordSchema>;

export const DEFAULT_SPOOL_DIR = 'mlruns/.spool';
const SUFFIX = '.jsonl';

export class SpoolError extends Error {
  override name = 'SpoolError';
}

/**
 * Reads a spool file: the records not yet acknowledged, the next sequence number, and the length of
 * its whole lines when a torn last line follows them (cut off before the next append).
 */
function load(file: string): { records: SpoolRecord[]; nextSeq: number; tornAfter?: number } {
  if (!existsSync(file)) return { records: [], nextSeq: 1 };
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const records: SpoolRecord[] = [];
  const acked = new Set<number>();
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A torn last line is a write the crash cut short: it was never acknowledged to the logger either.
      if (index === lines.length - 1) return;
      throw new SpoolError(`${file}:${index + 1} is not JSON: the spool is damaged`);
    }
    const ack = ackSchema.safeParse(value);
    if (ack.success) {
      acked.add(ack.data.ack);
      return;
    }
    const record = recordSchema.safeParse(value);
    if (!record.success) throw new SpoolError(`${file}:${index + 1} is neither a record nor an acknowledgement`);
    records.push(record.data);
  });
  let nextSeq = 1;
  for (const seq of [...acked, ...records.map((r) => r.seq)]) nextSeq = Math.max(nextSeq, seq + 1);
  const whole = bytes.lastIndexOf(0x0a) + 1;
  return { records: records.filter((r) => !acked.has(r.seq)), nextSeq, tornAfter: whole < bytes.length ? whole : undefined };
}

export class RunSpool {
  private fd: number | undefined;

  private constructor(
    readonly runId: string,
    readonly file: string,
    private records: SpoolRecord[],
    private nextSeq: number,
    private tornAfter: number | undefined,
  ) {}

  /** The spool of `runId` in `dir`, with whatever an earlier process left in it. */
  static open(dir: string, runId: string): RunSpool {
    if (!/^[\w-]+$/.test(runId)) throw new SpoolError(`run id '${runId}' cannot name a spool file`);
    const file = join(dir, `${runId}${SUFFIX}`);
    const { records, nextSeq, tornAfter } = load(file);
    return new RunSpool(runId, file, records, nextSeq, tornAfter);
  }

  /** Records not yet accepted by the server, oldest first. */
  get pending(): readonly SpoolRecord[] {
    return this.records;
  }

  /** Appends a request; it is on disk (fsync'd) when this returns. */
  append(path: SpooledPath, body: Record<string, unknown>): SpoolRecord {
    const record: SpoolRecord = { seq: this.nextSeq, path, body };
    this.write(JSON.stringify(record));
    this.nextSeq += 1;
    this.records.push(record);
    return record;
  }

  /** Marks the oldest record as accepted; the file goes once nothing is left in it. */
  acknowledge(seq: number): void {
    if (this.records[0]?.seq !== seq) throw new SpoolError(`acknowledged ${seq} but the oldest pending record is ${this.records[0]?.seq ?? 'none'}`);
    this.records.shift();
    if (this.records.length > 0) {
      this.write(JSON.stringify({ ack: seq }));
      return;
    }
    this.close();
    if (existsSync(this.file)) unlinkSync(this.file);
    this.tornAfter = undefined;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(line: string): void {
    if (this.fd === undefined) {
      const dir = dirname(this.file);
      mkdirSync(dir, { recursive: true });
      const created = !existsSync(this.file);
      if (this.tornAfter !== undefined) truncateSync(this.file, this.tornAfter);
      this.tornAfter = undefined;
      this.fd = openSync(this.file, 'a');
      if (created) syncDirectory(dir);
    }
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
  }
}

/** Makes a new file's directory entry durable too (Linux allows fsync on a directory; others may not). */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here: the file's own fsync is the best on offer
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export type SendRecord = (record: SpoolRecord) => Promise<void>;

export interface DrainResult {
  sent: number;
  /** Records the server refused for good (4xx): dropped from the spool, since they can never pass. */
  rejected: MlflowClientError[];
  /** Why draining stopped early (the server is still unreachable); undefined when the spool is empty. */
  blockedBy?: MlflowClientError;
}

/** Sends pending records in order until the spool is empty or the server stops answering. */
export async function drainSpool(spool: RunSpool, send: SendRecord): Promise<DrainResult> {
  const result: DrainResult = { sent: 0, rejected: [] };
  while (spool.pending.length > 0) {
    const record = spool.pending[0]!;
    try {
      await send(record);
      result.sent += 1;
    } catch (err) {
      if (isTransient(err)) return { ...result, blockedBy: err as MlflowClientError };
      if (!(err instanceof MlflowClientError)) throw err;
      result.rejected.push(err);
    }
    spool.acknowledge(record.seq);
  }
  return result;
}

export interface SpoolReplayReport {
  runId: string;
  file: string;
  sent: number;
  /** Records still on disk (the server stayed unreachable). */
  pending: number;
  rejected: MlflowClientError[];
  blockedBy?: MlflowClientError;
}

export interface ReplayOptions {
  /** How long to keep trying while the server is unreachable; default 0 (one pass). */
  timeoutMs?: number;
  /** Pause between passes; default 1 s. */
  intervalMs?: number;
}

/** Replays every run spool in `dir` (what loggers left behind); files emptied are removed. */
export async function replaySpool(dir: string, send: SendRecord, options: ReplayOptions = {}): Promise<SpoolReplayReport[]> {
  if (!existsSync(dir)) return [];
  const deadline = Date.now() + (options.timeoutMs ?? 0);
  const reports: SpoolReplayReport[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(SUFFIX)).sort()) {
    const spool = RunSpool.open(dir, name.slice(0, -SUFFIX.length));
    const report: SpoolReplayReport = { runId: spool.runId, file: spool.file, sent: 0, pending: 0, rejected: [] };
    try {
      for (;;) {
        const pass = await drainSpool(spool, send);
        report.sent += pass.sent;
        report.rejected.push(...pass.rejected);
        report.blockedBy = pass.blockedBy;
        if (!pass.blockedBy || Date.now() >= deadline) break;
        await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - Date.now())));
      }
    } finally {
      spool.close();
    }
    report.pending = spool.pending.length;
    reports.push(report);
  }
  return reports;
}
