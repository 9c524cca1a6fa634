// metrics/get-history and metrics/get-history-bulk-interval against a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, Rest, uniqueName, type MetricJson } from '../../support/rest.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';

let server: TestServer;
let api: Rest;
let experimentId: string;

beforeAll(async () => {
  server = await startPixal();
  api = new Rest(server.url);
  experimentId = await api.createExperiment(uniqueName('metrics'));
});
afterAll(() => server?.close());

async function runWith(points: { key: string; value: number | string; timestamp: number; step?: number }[]): Promise<string> {
  const id = (await api.createRun(experimentId)).info.run_id;
  for (let i = 0; i < points.length; i += 1000) await api.logBatch(id, { metrics: points.slice(i, i + 1000) });
  return id;
}

describe('metrics/get-history', () => {
  it('returns every point in (timestamp, step, value) order, NaN as a string', async () => {
    const id = await runWith([
      { key: 'm', value: 1, timestamp: 5, step: 0 },
      { key: 'm', value: 'NaN', timestamp: 9, step: 1 },
      { key: 'm', value: 7, timestamp: 3, step: 1 },
      { key: 'other', value: 0, timestamp: 1 },
    ]);
    const res = await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'm' });
    expect(res).toEqual({
      metrics: [
        { key: 'm', value: 7, timestamp: 3, step: 1 },
        { key: 'm', value: 1, timestamp: 5, step: 0 },
        { key: 'm', value: 'NaN', timestamp: 9, step: 1 },
      ],
    });
  });

  it('drops a point logged twice, as MLflow primary key does', async () => {
    const point = { key: 'm', value: 1, timestamp: 5, step: 0 };
    const id = await runWith([point, point]);
    await api.logBatch(id, { metrics: [point] });
    expect((await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'm' })).metrics).toHaveLength(1);
  });

  it('pages when max_results is given', async () => {
    const id = await runWith(Array.from({ length: 5 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i })));
    const first = await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'm', max_results: 2 });
    expect((first.metrics as MetricJson[]).map((m) => m.step)).toEqual([0, 1]);
    const second = await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'm', max_results: 2, page_token: first.next_page_token as string });
    expect((second.metrics as MetricJson[]).map((m) => m.step)).toEqual([2, 3]);
    const third = await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'm', max_results: 2, page_token: second.next_page_token as string });
    expect(third).toEqual({ metrics: [{ key: 'm', value: 4, timestamp: 4, step: 4 }] });
  });

  it('answers an empty history for a key or run never logged, and checks its parameters', async () => {
    const id = await runWith([{ key: 'm', value: 1, timestamp: 1 }]);
    expect(await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'never' })).toEqual({});
    expect(await api.ok('GET', 'metrics/get-history', { run_id: 'no-such-run', metric_key: 'm' })).toEqual({});
    expect(await api.ok('GET', 'metrics/get-history', { run_uuid: id, metric_key: 'm' })).toHaveProperty('metrics');
    expectError(await api.get('metrics/get-history', { run_id: id }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metric_key'.");
    expectError(await api.get('metrics/get-history', { run_id: id, metric_key: 'm', max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer.");
    expectError(await api.get('metrics/get-history', { run_id: id, metric_key: 'm', page_token: 'Zm9v' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid page token, decoded value=b'foo'");
  });
});

/** MLflow's sampling, written out: NTILE(n) buckets over (step, timestamp, value), first row of each, last point kept. */
function expectedSample(points: { value: number; timestamp: number; step: number }[], n: number) {
  const sorted = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp || a.value - b.value);
  const total = sorted.length;
  const rows: typeof sorted = [];
  if (total <= n) rows.push(...sorted);
  else {
    const small = Math.floor(total / n);
    const bigBuckets = total % n;
    let i = 0;
    for (let b = 0; b < n; b++) {
      rows.push(sorted[i]!);
      i += b < bigBuckets ? small + 1 : small;
    }
  }
  const last = sorted[total - 1]!;
  if (rows[rows.length - 1] !== last) {
    if (rows.length >= n) rows[rows.length - 1] = last;
    else rows.push(last);
  }
  return rows;
}

describe('metrics/get-history-bulk-interval', () => {
  // 1000 points, three per step, values out of order: the sampling orders by (step, timestamp, value).
  const points = Array.from({ length: 1000 }, (_, i) => ({ key: 's', value: (i * 7) % 13, timestamp: 100 + i, step: Math.floor(i / 3) }));
  let runA: string;
  let runB: string;
  beforeAll(async () => {
    runA = await runWith(points);
    runB = await runWith(points.slice(0, 10));
  });

  it.each([1, 2, 3, 7, 100, 333, 999, 1000, 2500])('samples %i points per run as MLflow does', async (n) => {
    const res = await api.ok('GET', 'metrics/get-history-bulk-interval', { run_ids: [runA, runB], metric_key: 's', max_results: n });
    const expected = [
      ...expectedSample(points, n).map((p) => ({ key: 's', value: p.value, timestamp: p.timestamp, step: p.step, run_id: runA })),
      ...expectedSample(points.slice(0, 10), n).map((p) => ({ key: 's', value: p.value, timestamp: p.timestamp, step: p.step, run_id: runB })),
    ];
    expect(res.metrics).toEqual(expected);
  });

  it('samples within a step range', async () => {
    const res = await api.ok('GET', 'metrics/get-history-bulk-interval', { run_ids: runA, metric_key: 's', max_results: 10, start_step: 10, end_step: 20 });
    const inRange = points.filter((p) => p.step >= 10 && p.step <= 20);
    expect(res.metrics).toEqual(expectedSample(inRange, 10).map((p) => ({ key: 's', value: p.value, timestamp: p.timestamp, step: p.step, run_id: runA })));
  });

  it('checks its parameters with MLflow messages', async () => {
    const get = (q: Record<string, string | number | string[]>) => api.get('metrics/get-history-bulk-interval', q);
    expect(await api.ok('GET', 'metrics/get-history-bulk-interval', { run_ids: 'nope', metric_key: 's' })).toEqual({});
    expectError(await get({ metric_key: 's' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_ids'.");
    expectError(await get({ run_ids: runA }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metric_key'.");
    expectError(
      await get({ run_ids: Array.from({ length: 101 }, (_, i) => `r${i}`), metric_key: 's' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'GetMetricHistoryBulkInterval request must specify at most 100 run_ids. Received 101 run_ids.',
    );
    expectError(await get({ run_ids: runA, metric_key: 's', max_results: 2501 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results must be between 1 and 2500.');
    expectError(await get({ run_ids: runA, metric_key: 's', max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE', 'max_results must be between 1 and 2500.');
    expectError(await get({ run_ids: runA, metric_key: 's', start_step: 1 }), 400, 'INVALID_PARAMETER_VALUE', 'If either start step or end step are specified, both must be specified.');
    expectError(await get({ run_ids: runA, metric_key: 's', start_step: 3, end_step: 1 }), 400, 'INVALID_PARAMETER_VALUE', 'end_step must be greater than start_step. Found start_step=3 and end_step=1.');
  });
});
