// The spool file on its own: records and acknowledgements as fsync'd JSON lines that survive a
// restart of the process, a torn last line, and removal once everything is acknowledged.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClientError } from '../../../trainer/mlflow/errors.ts';
import { drainSpool, replaySpool, RunSpool, type SpoolRecord } from '../../../trainer/mlflow/spool.ts';

const RUN = '0123456789abcdef0123456789abcdef';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const batch = (step: number) => ({ run_id: RUN, metrics: [{ key: 'loss', value: step, timestamp: 1000 + step, step }], params: [], tags: [] });
const refusal = () => new MlflowClientError({ method: 'POST', path: '/x', status: 400, errorCode: 'INVALID_PARAMETER_VALUE', serverMessage: 'no', attempts: 1 });
const outage = () => new MlflowClientError({ method: 'POST', path: '/x', serverMessage: 'ECONNREFUSED', attempts: 1 });

describe('RunSpool', () => {
  it('keeps unacknowledged records across reopening, in order, and numbers on from the last', () => {
    const spool = RunSpool.open(dir, RUN);
    spool.append('runs/log-batch', batch(0));
    spool.append('runs/log-batch', batch(1));
    spool.append('runs/update', { run_id: RUN, status: 'FINISHED', end_time: 5 });
    spool.acknowledge(1);
    spool.close();
    const lines = readFileSync(spool.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as object);
    expect(lines).toEqual([
      { seq: 1, path: 'runs/log-batch', body: batch(0) },
      { seq: 2, path: 'runs/log-batch', body: batch(1) },
      { seq: 3, path: 'runs/update', body: { run_id: RUN, status: 'FINISHED', end_time: 5 } },
      { ack: 1 },
    ]);
    const reopened = RunSpool.open(dir, RUN);
    expect(reopened.pending.map((r) => [r.seq, r.path])).toEqual([
      [2, 'runs/log-batch'],
      [3, 'runs/update'],
    ]);
    expect(reopened.append('runs/log-batch', batch(2)).seq).toBe(4);
    reopened.close();
  });

  it('ignores a torn last line and writes the next record on a line of its own', () => {
    const spool = RunSpool.open(dir, RUN);
    spool.append('runs/log-batch', batch(0));
    spool.close();
    appendFileSync(spool.file, '{"seq":2,"path":"runs/log-ba');
    const reopened = RunSpool.open(dir, RUN);
    expect(reopened.pending.map((r) => r.seq)).toEqual([1]);
    reopened.append('runs/log-batch', batch(1));
    reopened.close();
    expect(RunSpool.open(dir, RUN).pending.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('refuses a damaged line in the middle rather than skipping data', () => {
    appendFileSync(join(dir, `${RUN}.jsonl`), 'garbage\n{"ack":1}\n');
    expect(() => RunSpool.open(dir, RUN)).toThrow(/is not JSON: the spool is damaged/);
  });

  it('drains in order, stops at an outage, drops what the server refuses, and removes the empty file', async () => {
    const spool = RunSpool.open(dir, RUN);
    for (let step = 0; step < 4; step++) spool.append('runs/log-batch', batch(step));
    const sent: number[] = [];
    let down = true;
    const send = async (record: SpoolRecord) => {
      if (record.seq === 2 && down) throw outage();
      if (record.seq === 3) throw refusal();
      sent.push(record.seq);
    };
    const first = await drainSpool(spool, send);
    expect(first).toMatchObject({ sent: 1, rejected: [] });
    expect(first.blockedBy?.serverMessage).toBe('ECONNREFUSED');
    expect(spool.pending.map((r) => r.seq)).toEqual([2, 3, 4]);
    down = false;
    const second = await drainSpool(spool, send);
    expect(second.sent).toBe(2);
    expect(second.rejected.map((e) => e.errorCode)).toEqual(['INVALID_PARAMETER_VALUE']);
    expect(sent).toEqual([1, 2, 4]);
    expect(existsSync(spool.file)).toBe(false);
  });

  it('replaySpool reports what it could not send and leaves it on disk', async () => {
    const spool = RunSpool.open(dir, RUN);
    spool.append('runs/log-batch', batch(0));
    spool.close();
    const reports = await replaySpool(dir, async () => Promise.reject(outage()), { timeoutMs: 0 });
    expect(reports).toMatchObject([{ runId: RUN, sent: 0, pending: 1, rejected: [] }]);
    expect(existsSync(spool.file)).toBe(true);
  });
});
