// Fault tests of our server as a separate process: 20 concurrent writer processes, then the same
// load with a kill -9 of the server mid-way. Every acknowledged metric point must be in the store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, startPixal, type TestServer } from '../support/servers.ts';
import { Rest, uniqueName } from '../support/rest.ts';

const WRITERS = 20;
const BATCH = 200;

interface WriterReport {
  runId: string;
  key: string;
  /** First step of every acknowledged batch. */
  acked: number[];
  errors: string[];
  networkErrors: string[];
  exitCode: number | null;
}

/** Starts one writer process: its report fills in as it goes; `exited` resolves when it ends. */
function startWriter(url: string, runId: string, key: string, seconds: number): { report: WriterReport; exited: Promise<WriterReport> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/faults/writer.ts', url, runId, key, String(seconds), String(BATCH)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const report: WriterReport = { runId, key, acked: [], errors: [], networkErrors: [], exitCode: null };
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [kind, ...rest] = line.split(' ');
      if (kind === 'ack') report.acked.push(Number(rest[0]));
      else if (kind === 'err') report.errors.push(rest.join(' '));
      else if (kind === 'neterr') report.networkErrors.push(rest.join(' '));
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => report.errors.push(`stderr: ${chunk.trim()}`));
  const exited = new Promise<WriterReport>((done) =>
    child.once('exit', (code) => {
      report.exitCode = code;
      done(report);
    }),
  );
  return { report, exited };
}

async function createRuns(server: TestServer): Promise<string[]> {
  const api = new Rest(server.url);
  const experimentId = await api.createExperiment(uniqueName('faults'));
  const runIds: string[] = [];
  for (let i = 0; i < WRITERS; i++) runIds.push((await api.createRun(experimentId)).info.run_id);
  return runIds;
}

/** Steps present in the store for each writer's run and key. */
function storedSteps(dbPath: string, reports: WriterReport[]): { integrity: string; steps: Set<number>[] } {
  const db = new Database(dbPath);
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const query = db.prepare<[string, string], { step: number }>('SELECT step FROM metrics WHERE run_uuid = ? AND key = ?');
    return { integrity, steps: reports.map((r) => new Set(query.all(r.runId, r.key).map((row) => row.step))) };
  } finally {
    db.close();
  }
}

function missingAcknowledged(report: WriterReport, steps: Set<number>): number[] {
  const missing: number[] = [];
  for (const first of report.acked) for (let s = first; s < first + BATCH; s++) if (!steps.has(s)) missing.push(s);
  return missing;
}

describe('our server with 20 concurrent writer processes', () => {
  it('acknowledges every log-batch without an error or a locked database, and stores every point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-writers-'));
    const server = await startPixal({ spawned: true, dir });
    try {
      const runIds = await createRuns(server);
      const reports = await Promise.all(runIds.map((runId, i) => startWriter(server.url, runId, `w${i}`, 4).exited));
      const totalAcked = reports.reduce((n, r) => n + r.acked.length, 0);
      for (const r of reports) {
        expect(r.exitCode, r.errors.join('\n')).toBe(0);
        expect(r.errors).toEqual([]);
        expect(r.networkErrors).toEqual([]);
        expect(r.acked.length).toBeGreaterThan(0);
      }
      expect(server.output?.() ?? '').not.toMatch(/database is locked|SQLITE_BUSY/i);
      // The latest point of each run is its last acknowledged one.
      const api = new Rest(server.url);
      for (const r of reports) {
        const run = await api.getRun(r.runId);
        expect(run.data.metrics?.find((m) => m.key === r.key)?.step).toBe(Math.max(...r.acked) + BATCH - 1);
      }
      await server.close();
      const { integrity, steps } = storedSteps(server.dbPath, reports);
      expect(integrity).toBe('ok');
      reports.forEach((r, i) => {
        expect(steps[i]!.size).toBe(r.acked.length * BATCH);
        expect(missingAcknowledged(r, steps[i]!)).toEqual([]);
      });
      expect(totalAcked).toBeGreaterThan(WRITERS);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('keeps every acknowledged point and an intact store after kill -9 mid-load, and restarts on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-kill9-'));
    try {
      const server = await startPixal({ spawned: true, dir });
      const runIds = await createRuns(server);
      const writers = runIds.map((runId, i) => startWriter(server.url, runId, `w${i}`, 60));
      // Once every writer is in full flow, kill the whole server process group without warning.
      const deadline = Date.now() + 60_000;
      while (writers.some((w) => w.report.acked.length < 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      process.kill(-server.child!.pid!, 'SIGKILL');
      const reports = await Promise.all(writers.map((w) => w.exited));
      for (const r of reports) expect(r.acked.length, `writer ${r.key} had no batch acknowledged before the kill`).toBeGreaterThanOrEqual(3);
      for (const r of reports) expect(r.errors).toEqual([]);
      expect(reports.filter((r) => r.networkErrors.length > 0).length, 'writers should notice the server is gone').toBe(WRITERS);

      const { integrity, steps } = storedSteps(server.dbPath, reports);
      expect(integrity).toBe('ok');
      reports.forEach((r, i) => expect(missingAcknowledged(r, steps[i]!), `run ${r.runId} lost acknowledged steps`).toEqual([]));

      // The crashed store opens again and serves what was acknowledged.
      const again = await startPixal({ spawned: true, dir });
      try {
        const api = new Rest(again.url);
        const r = reports.find((x) => x.acked.length > 0)!;
        const run = await api.getRun(r.runId);
        expect(run.data.metrics?.find((m) => m.key === r.key)?.step).toBeGreaterThanOrEqual(Math.max(...r.acked) + BATCH - 1);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
