// The rollups folded in chunks, between writes, equal the min/max/count of every bucket computed
// from scratch over all points (negative steps, NaN, repeated steps, several series included).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../server/db/open.ts';
import { ROLLUP_WIDTHS } from '../../../server/dashboard/rollup-buckets.ts';
import { MetricRollups } from '../../../server/dashboard/rollups.ts';
import { trackingStore } from '../../../server/tracking/store.ts';

interface Point {
  run: string;
  key: string;
  step: number;
  timestamp: number;
  value: number;
}

let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pixal-rollups-'));
  db = openDb(join(dir, 'store.db'));
});
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A deterministic pseudo-random sequence. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function expected(points: Point[]): Map<string, { points: number; min: number | null; max: number | null; minStep: number | null; maxStep: number | null }> {
  const out = new Map<string, { points: number; min: number | null; max: number | null; minStep: number | null; maxStep: number | null }>();
  for (const width of ROLLUP_WIDTHS)
    for (const p of points) {
      const id = `${p.run}/${p.key}/${width}/${Math.floor(p.step / width)}`;
      const b = out.get(id) ?? { points: 0, min: null, max: null, minStep: null, maxStep: null };
      b.points++;
      if (!Number.isNaN(p.value)) {
        if (b.min === null || p.value < b.min) [b.min, b.minStep] = [p.value, p.step];
        if (b.max === null || p.value > b.max) [b.max, b.maxStep] = [p.value, p.step];
      }
      out.set(id, b);
    }
  return out;
}

describe('metric rollups', () => {
  it('fold new points in chunks into the same buckets a full recount gives', async () => {
    const { experiments, runs } = trackingStore(db.$client);
    const experimentId = experiments.create('rollups', undefined, []);
    const runIds = [0, 1].map((i) => (runs.create({ experimentId, userId: 't', startTime: i, tags: [] }) as { info: { run_id: string } }).info.run_id);
    const rollups = new MetricRollups(db.$client);
    const next = random(7);
    const logged: Point[] = [];
    let timestamp = 0;
    for (let round = 0; round < 6; round++) {
      for (const run of runIds) {
        const batch: Point[] = [];
        for (let i = 0; i < 900; i++) {
          const step = Math.floor(next() * 40_000) - 2_000; // some negative, many repeated buckets
          const value = next() < 0.02 ? Number.NaN : Math.round((next() - 0.5) * 1000) / 10 || 0; // no -0: SQLite keeps 0
          batch.push({ run, key: next() < 0.5 ? 'loss' : 'acc', step, timestamp: timestamp++, value });
        }
        runs.logBatch(run, { metrics: batch.map(({ key, value, timestamp: t, step }) => ({ key, value, timestamp: t, step })), params: [], tags: [] });
        logged.push(...batch);
      }
      if (round % 2 === 1) await rollups.upToDate();
    }
    await rollups.upToDate();
    const rows = db.$client
      .prepare('SELECT run_uuid, key, width, bucket, points, min_value, max_value, min_step, max_step FROM metric_rollups')
      .all() as { run_uuid: string; key: string; width: number; bucket: number; points: number; min_value: number | null; max_value: number | null; min_step: number | null; max_step: number | null }[];
    const want = expected(logged);
    expect(rows.length).toBe(want.size);
    for (const r of rows) {
      const b = want.get(`${r.run_uuid}/${r.key}/${r.width}/${r.bucket}`)!;
      expect({ points: r.points, min: r.min_value, max: r.max_value }).toEqual({ points: b.points, min: b.min, max: b.max });
      // Ties may pick another point of the same value; the value at the step must match.
      if (b.min !== null) expect(logged.some((p) => p.run === r.run_uuid && p.key === r.key && p.step === r.min_step && p.value === b.min)).toBe(true);
    }
    const watermark = db.$client.prepare('SELECT last_metric_id FROM metric_rollup_state').pluck().get();
    expect(watermark).toBe(db.$client.prepare('SELECT max(id) FROM metrics').pluck().get());
  });

  it('name each series whose rollups a catch-up changed, and no other', async () => {
    const { experiments, runs } = trackingStore(db.$client);
    const experimentId = experiments.create('rollup-changes', undefined, []);
    const [a, b] = [0, 1].map((i) => (runs.create({ experimentId, userId: 't', startTime: i, tags: [] }) as { info: { run_id: string } }).info.run_id);
    const rollups = new MetricRollups(db.$client);
    await rollups.upToDate();
    const heard: string[] = [];
    const unsubscribe = rollups.onSeriesChange((run, key) => heard.push(`${run}/${key}`));
    runs.logBatch(a!, { metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }, { key: 'acc', value: 0.5, timestamp: 1, step: 0 }], params: [], tags: [] });
    runs.logBatch(b!, { metrics: [{ key: 'loss', value: 2, timestamp: 1, step: 0 }], params: [], tags: [] });
    await rollups.upToDate();
    expect(heard.sort()).toEqual([`${a}/acc`, `${a}/loss`, `${b}/loss`].sort());
    heard.length = 0;
    await rollups.upToDate();
    expect(heard).toEqual([]);
    unsubscribe();
    runs.logBatch(b!, { metrics: [{ key: 'loss', value: 3, timestamp: 2, step: 1 }], params: [], tags: [] });
    await rollups.upToDate();
    expect(heard).toEqual([]);
  });
});
