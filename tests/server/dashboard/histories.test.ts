// POST /api/pixal/metrics/histories on a real server, against the full histories MLflow's
// get-history returns: short series whole, long ones downsampled with their spikes, first and
// last points, x by step or time, and new points seen by the next read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../support/rest.ts';
import { ok, startDashboard, type Dashboard } from './fixture.ts';

interface Series {
  run_id: string;
  key: string;
  total_points: number;
  points: [number, number][];
}

let d: Dashboard;
let longRun: string;
let shortRun: string;
const T0 = 1_700_000_000_000;

/** loss over 3000 steps: a smooth decay with one spike up (step 1717) and one dip (step 2222). */
const loss = (step: number) => (step === 1717 ? 50 : step === 2222 ? -5 : 1 / (1 + step / 100) + 0.01 * Math.sin(step));

async function logSteps(runId: string, from: number, to: number, value: (step: number) => number): Promise<void> {
  for (let start = from; start < to; start += 1000) {
    const metrics: Json[] = [];
    for (let step = start; step < Math.min(to, start + 1000); step++) metrics.push({ key: 'loss', value: value(step), timestamp: T0 + step * 10, step });
    await d.api.logBatch(runId, { metrics });
  }
}

beforeAll(async () => {
  d = await startDashboard();
  const experimentId = await d.api.createExperiment('curves');
  longRun = (await d.api.createRun(experimentId)).info.run_id as string;
  shortRun = (await d.api.createRun(experimentId)).info.run_id as string;
  await logSteps(longRun, 0, 3000, loss);
  await d.api.logBatch(shortRun, {
    metrics: [
      ...Array.from({ length: 40 }, (_, step) => ({ key: 'acc', value: step / 40, timestamp: T0 + 1000 - step, step })),
      { key: 'acc', value: 'NaN', timestamp: T0 + 5000, step: 40 },
    ],
  });
});
afterAll(async () => d?.close());

const histories = async (body: Json): Promise<Series[]> => ok<{ series: Series[] }>(await d.post('/api/pixal/metrics/histories', body)).series;

async function fullHistory(runId: string, key: string): Promise<{ step: number; timestamp: number; value: number | string }[]> {
  return ((await d.api.ok('GET', 'metrics/get-history', { run_id: runId, metric_key: key })).metrics ?? []) as { step: number; timestamp: number; value: number | string }[];
}

describe('metric histories', () => {
  it('returns a short series whole, NaN left out of the points but counted', async () => {
    const [acc] = await histories({ run_ids: [shortRun], metric_keys: ['acc'] });
    const full = await fullHistory(shortRun, 'acc');
    expect(acc!.total_points).toBe(41);
    expect(acc!.points).toEqual(full.filter((m) => m.value !== 'NaN').map((m) => [m.step, m.value]).sort((a, b) => (a[0] as number) - (b[0] as number)));
  });

  it('downsamples a long series to the budget, keeping spikes, ends and x order', async () => {
    const [series] = await histories({ run_ids: [longRun], metric_keys: ['loss'], max_points: 200 });
    const full = await fullHistory(longRun, 'loss');
    expect(series!.total_points).toBe(3000);
    const { points } = series!;
    expect(points.length).toBeLessThanOrEqual(200);
    expect(points.length).toBeGreaterThanOrEqual(100);
    for (let i = 1; i < points.length; i++) expect(points[i]![0]).toBeGreaterThan(points[i - 1]![0]);
    expect(points).toContainEqual([1717, 50]);
    expect(points).toContainEqual([2222, -5]);
    expect(points[0]).toEqual([0, loss(0)]);
    expect(points.at(-1)).toEqual([2999, loss(2999)]);
    const byStep = new Map(full.map((m) => [m.step, m.value]));
    for (const [step, value] of points) expect(byStep.get(step), `step ${step}`).toBe(value);
  });

  it('puts timestamps on x when asked', async () => {
    const series = await histories({ run_ids: [longRun, shortRun], metric_keys: ['loss', 'acc'], max_points: 100, x: 'time' });
    const [long, short] = [series[0]!, series[3]!];
    expect(long.points).toContainEqual([T0 + 17170, 50]);
    expect(long.points[0]![0]).toBe(T0);
    // acc was logged with timestamps running backwards: x ascending reverses the steps.
    expect(short.key).toBe('acc');
    expect(short.points[0]).toEqual([T0 + 1000 - 39, 39 / 40]);
    for (let i = 1; i < short.points.length; i++) expect(short.points[i]![0]).toBeGreaterThan(short.points[i - 1]![0]);
  });

  it('downsamples a series logged without steps (all at step 0) by its points, not its steps', async () => {
    const metrics = Array.from({ length: 300 }, (_, i) => ({ key: 'lr', value: i === 123 ? 7 : 0.1, timestamp: T0 + i }));
    await d.api.logBatch(shortRun, { metrics });
    const [byTime] = await histories({ run_ids: [shortRun], metric_keys: ['lr'], max_points: 50, x: 'time' });
    expect(byTime!.total_points).toBe(300);
    expect(byTime!.points.length).toBeLessThanOrEqual(50);
    expect(byTime!.points.length).toBeGreaterThan(20);
    expect(byTime!.points).toContainEqual([T0 + 123, 7]);
    expect(byTime!.points.at(-1)).toEqual([T0 + 299, 0.1]);
  });

  it('answers every requested run and key, empty where nothing was logged', async () => {
    const series = await histories({ run_ids: [shortRun, 'feedfacefeedfacefeedfacefeedface'], metric_keys: ['acc', 'nope'] });
    expect(series.map((s) => [s.run_id, s.key, s.total_points])).toEqual([
      [shortRun, 'acc', 41],
      [shortRun, 'nope', 0],
      ['feedfacefeedfacefeedfacefeedface', 'acc', 0],
      ['feedfacefeedfacefeedfacefeedface', 'nope', 0],
    ]);
    expect(series[1]!.points).toEqual([]);
  });

  it('sees points logged after an earlier read', async () => {
    await histories({ run_ids: [longRun], metric_keys: ['loss'], max_points: 200 });
    await logSteps(longRun, 3000, 4000, (step) => (step === 3500 ? 99 : 0.001));
    const [series] = await histories({ run_ids: [longRun], metric_keys: ['loss'], max_points: 200 });
    expect(series!.total_points).toBe(4000);
    expect(series!.points).toContainEqual([3500, 99]);
    expect(series!.points).toContainEqual([1717, 50]);
    expect(series!.points.at(-1)).toEqual([3999, 0.001]);
  });

  it('sends the same points as x and y arrays when asked for columns, for step and time', async () => {
    for (const x of ['step', 'time']) {
      const body = { run_ids: [longRun, shortRun], metric_keys: ['loss', 'acc', 'lr'], max_points: 120, x };
      const pairs = await histories(body);
      const cols = ok<{ series: { run_id: string; key: string; total_points: number; x: number[]; y: number[] }[] }>(await d.post('/api/pixal/metrics/histories', { ...body, format: 'columns' })).series;
      expect(cols.map(({ run_id, key, total_points, x: xs, y }) => ({ run_id, key, total_points, points: xs.map((v, i) => [v, y[i]]) }))).toEqual(pairs);
      expect(cols.some((s) => s.x.length > 50)).toBe(true);
    }
  });

  it('refuses a bad request naming the field', async () => {
    const cases: [Json, RegExp][] = [
      [{ metric_keys: ['loss'] }, /'run_ids'/],
      [{ run_ids: [], metric_keys: ['loss'] }, /'run_ids'/],
      [{ run_ids: [longRun], metric_keys: Array.from({ length: 51 }, (_, i) => `k${i}`) }, /'metric_keys'/],
      [{ run_ids: [longRun], metric_keys: ['loss'], max_points: 3 }, /'max_points'/],
      [{ run_ids: [longRun], metric_keys: ['loss'], max_points: 10_001 }, /'max_points'/],
      [{ run_ids: [longRun], metric_keys: ['loss'], x: 'epoch' }, /'x'/],
      [{ run_ids: [longRun], metric_keys: ['loss'], format: 'binary' }, /'format'/],
    ];
    for (const [body, message] of cases) {
      const reply = await d.post('/api/pixal/metrics/histories', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(reply.json.message).toMatch(message);
    }
    const noJson = await d.api.raw('POST', '/api/pixal/metrics/histories', { body: '{}' });
    expect(noJson.status).toBe(400);
    expect(noJson.json.message).toMatch(/Content-Type/);
  });
});
