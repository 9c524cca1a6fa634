// Runs routes: create/get/update/delete/restore, metrics, params, tags, log-batch and its limits,
// metric histories (single and bulk-interval), and dataset inputs, as the real MLflow server answers.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conformance } from '../../support/conformance.ts';
import { Rest, asMap, expectError, expectOk, uniqueName, type MetricJson, type RunJson } from '../../support/rest.ts';

const UNKNOWN_RUN = 'f'.repeat(32);

export function runCases(ctx: Conformance): void {
  let api: Rest;
  let experimentId: string;
  beforeAll(async () => {
    api = ctx.api;
    experimentId = await api.createExperiment(uniqueName('runs'));
  });

  const newRun = (extra: Record<string, unknown> = {}) => api.createRun(experimentId, extra);
  const history = async (runId: string, key: string, extra: Record<string, unknown> = {}) =>
    expectOk(await api.get('metrics/get-history', { run_id: runId, metric_key: key, ...extra })) as { metrics?: MetricJson[]; next_page_token?: string };
  const latest = (run: RunJson, key: string) => run.data.metrics?.find((m) => m.key === key);

  describe('create and get', () => {
    it('creates a RUNNING run with a 32-hex id, a random name, the runName tag and a proxied artifact URI', async () => {
      const run = await newRun({ start_time: 1700000000000, user_id: 'alice' });
      const { info } = run;
      expect(info.run_id).toMatch(/^[0-9a-f]{32}$/);
      expect(info.run_uuid).toBe(info.run_id);
      expect(info).toMatchObject({ experiment_id: experimentId, status: 'RUNNING', start_time: 1700000000000, user_id: 'alice', lifecycle_stage: 'active' });
      expect(info.end_time).toBeUndefined();
      expect(info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${info.run_id}/artifacts`);
      expect(info.run_name.length).toBeGreaterThan(0);
      expect(asMap(run.data.tags)['mlflow.runName']).toBe(info.run_name);
      expect(run.data.metrics).toBeUndefined();
      expect(run.data.params).toBeUndefined();
      const again = await api.getRun(info.run_id);
      expect(again.info).toEqual(info);
    });

    it('names runs from run_name or from the mlflow.runName tag, and refuses a contradiction', async () => {
      const named = await newRun({ run_name: 'epoch-sweep' });
      expect(named.info.run_name).toBe('epoch-sweep');
      expect(asMap(named.data.tags)['mlflow.runName']).toBe('epoch-sweep');
      const tagged = await newRun({ tags: [{ key: 'mlflow.runName', value: 'from-tag' }] });
      expect(tagged.info.run_name).toBe('from-tag');
      const both = await newRun({ run_name: 'same', tags: [{ key: 'mlflow.runName', value: 'same' }] });
      expect(both.info.run_name).toBe('same');
      expectError(await api.post('runs/create', { experiment_id: experimentId, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('keeps tags given at creation, empty values included', async () => {
      const run = await newRun({ tags: [{ key: 'pixal.component', value: 'flex' }, { key: 'note', value: '' }] });
      expect(asMap(run.data.tags)).toMatchObject({ 'pixal.component': 'flex', note: '' });
    });

    it('answers 404 for an unknown experiment and 400 for a deleted one', async () => {
      expectError(await api.post('runs/create', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      const gone = await api.createExperiment(uniqueName('gone'));
      expectOk(await api.post('experiments/delete', { experiment_id: gone }));
      expectError(await api.post('runs/create', { experiment_id: gone }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('gets by run_id or the legacy run_uuid, 404 when unknown', async () => {
      const run = await newRun();
      const byUuid = expectOk(await api.get('runs/get', { run_uuid: run.info.run_id })).run as RunJson;
      expect(byUuid.info.run_id).toBe(run.info.run_id);
      expectError(await api.get('runs/get', { run_id: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await api.get('runs/get', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
    });
  });

  describe('update, delete, restore', () => {
    it('updates status, end_time and name, answering run_info', async () => {
      const run = await newRun({ start_time: 1000 });
      const r = expectOk(await api.post('runs/update', { run_id: run.info.run_id, status: 'FINISHED', end_time: 5000 }));
      expect(r.run_info).toMatchObject({ run_id: run.info.run_id, status: 'FINISHED', end_time: 5000, start_time: 1000 });
      const renamed = expectOk(await api.post('runs/update', { run_id: run.info.run_id, run_name: 'renamed' }));
      expect(renamed.run_info).toMatchObject({ run_name: 'renamed', status: 'FINISHED', end_time: 5000 });
      const got = await api.getRun(run.info.run_id);
      expect(got.info.run_name).toBe('renamed');
      expect(asMap(got.data.tags)['mlflow.runName']).toBe('renamed');
      for (const status of ['FAILED', 'KILLED', 'SCHEDULED', 'RUNNING']) {
        const u = expectOk(await api.post('runs/update', { run_id: run.info.run_id, status }));
        expect((u.run_info as { status: string }).status).toBe(status);
      }
      expectError(await api.post('runs/update', { run_id: UNKNOWN_RUN, status: 'FINISHED' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('leaves end_time unset on a status-only update to a terminal state', async () => {
      const run = await newRun();
      const r = expectOk(await api.post('runs/update', { run_id: run.info.run_id, status: 'FINISHED' }));
      // MLflow's server stores only the end_time it is given (its client always sends one).
      expect((r.run_info as { end_time?: number }).end_time).toBeUndefined();
    });

    it('renames a run when the mlflow.runName tag is set', async () => {
      const run = await newRun();
      expectOk(await api.post('runs/set-tag', { run_id: run.info.run_id, key: 'mlflow.runName', value: 'via-tag' }));
      expect((await api.getRun(run.info.run_id)).info.run_name).toBe('via-tag');
    });

    it('soft-deletes and restores a run; a deleted run refuses writes but can still be read', async () => {
      const run = await newRun();
      const id = run.info.run_id;
      expect(expectOk(await api.post('runs/delete', { run_id: id }))).toEqual({});
      expect((await api.getRun(id)).info.lifecycle_stage).toBe('deleted');
      expectError(await api.post('runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await api.post('runs/set-tag', { run_id: id, key: 'k', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await api.post('runs/log-batch', { run_id: id, params: [{ key: 'p', value: 'v' }] }), 400, 'INVALID_PARAMETER_VALUE');
      expectOk(await api.post('runs/delete', { run_id: id })); // deleting twice is fine
      expect(expectOk(await api.post('runs/restore', { run_id: id }))).toEqual({});
      expect((await api.getRun(id)).info.lifecycle_stage).toBe('active');
      expectOk(await api.post('runs/restore', { run_id: id })); // restoring an active run is fine
      expectError(await api.post('runs/delete', { run_id: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await api.post('runs/restore', { run_id: UNKNOWN_RUN }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('metrics', () => {
    it('logs a metric; omitted step is 0; a missing timestamp is refused', async () => {
      const { info } = await newRun();
      expect(expectOk(await api.post('runs/log-metric', { run_id: info.run_id, key: 'loss', value: 0.5, timestamp: 10 }))).toEqual({});
      expect((await history(info.run_id, 'loss')).metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 10, step: 0 }]);
      expectError(await api.post('runs/log-metric', { run_id: info.run_id, key: 'loss', value: 1 }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'timestamp'.");
      expectError(await api.post('runs/log-metric', { run_id: info.run_id, key: 'loss', value: 'abc', timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', `Invalid value "abc" for parameter 'value' supplied`);
      expectError(await api.post('runs/log-metric', { run_id: UNKNOWN_RUN, key: 'loss', value: 1, timestamp: 1 }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('accepts numeric strings, the legacy run_uuid, and NaN / ±Infinity as strings', async () => {
      const { info } = await newRun();
      expectOk(await api.post('runs/log-metric', { run_uuid: info.run_id, key: 'acc', value: '0.25', timestamp: '7', step: '3' }));
      expectOk(await api.post('runs/log-metric', { run_id: info.run_id, key: 'nan', value: 'NaN', timestamp: 1 }));
      expectOk(await api.post('runs/log-metric', { run_id: info.run_id, key: 'pinf', value: 'Infinity', timestamp: 1 }));
      expectOk(await api.post('runs/log-metric', { run_id: info.run_id, key: 'ninf', value: '-Infinity', timestamp: 1 }));
      expect((await history(info.run_id, 'acc')).metrics).toEqual([{ key: 'acc', value: 0.25, timestamp: 7, step: 3 }]);
      const run = await api.getRun(info.run_id);
      expect(latest(run, 'nan')?.value).toBe('NaN');
      expect((await history(info.run_id, 'nan')).metrics?.[0]?.value).toBe('NaN');
      // MLflow's SQL store clamps infinities to ±DBL_MAX before storing them.
      expect(latest(run, 'pinf')?.value).toBe(1.7976931348623157e308);
      expect(latest(run, 'ninf')?.value).toBe(-1.7976931348623157e308);
    });

    it('shows per key the latest point: max of (step, timestamp, value)', async () => {
      const { info } = await newRun();
      await api.logBatch(info.run_id, {
        metrics: [
          { key: 'm', value: 3, timestamp: 5, step: 2 },
          { key: 'm', value: 1, timestamp: 9, step: 2 },
          { key: 'm', value: 7, timestamp: 100, step: 1 },
          { key: 't', value: 4, timestamp: 50, step: 5 },
          { key: 't', value: 9, timestamp: 50, step: 5 },
          { key: 't', value: 2, timestamp: 50, step: 4 },
        ],
      });
      const run = await api.getRun(info.run_id);
      expect(latest(run, 'm')).toEqual({ key: 'm', value: 1, timestamp: 9, step: 2 });
      expect(latest(run, 't')).toEqual({ key: 't', value: 9, timestamp: 50, step: 5 });
    });

    it('returns the whole history in logging order, pages it, and an empty list for an unknown key', async () => {
      const { info } = await newRun();
      const metrics = Array.from({ length: 25 }, (_, i) => ({ key: 'h', value: i / 2, timestamp: 1000 + i, step: i }));
      await api.logBatch(info.run_id, { metrics });
      expect((await history(info.run_id, 'h')).metrics).toEqual(metrics);
      const first = await history(info.run_id, 'h', { max_results: 10 });
      expect(first.metrics).toEqual(metrics.slice(0, 10));
      expect(typeof first.next_page_token).toBe('string');
      const second = await history(info.run_id, 'h', { max_results: 10, page_token: first.next_page_token! });
      expect(second.metrics).toEqual(metrics.slice(10, 20));
      const third = await history(info.run_id, 'h', { max_results: 10, page_token: second.next_page_token! });
      expect(third.metrics).toEqual(metrics.slice(20));
      expect(third.next_page_token).toBeUndefined();
      expect(await history(info.run_id, 'never-logged')).toEqual({});
      expectError(await api.get('metrics/get-history', { run_id: info.run_id }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metric_key'.");
    });

    it('refuses invalid metric keys', async () => {
      const { info } = await newRun();
      for (const key of ['../m', '/m', 'm!', 'x'.repeat(251)]) {
        expectError(await api.post('runs/log-metric', { run_id: info.run_id, key, value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE');
      }
      for (const key of ['a/b.c-d_e :f', 'x'.repeat(250)]) expectOk(await api.post('runs/log-metric', { run_id: info.run_id, key, value: 1, timestamp: 1 }));
    });
  });

  describe('params and tags', () => {
    it('keeps params immutable: the same value again is fine, a new value is refused', async () => {
      const { info } = await newRun();
      expect(expectOk(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'lr', value: '0.1' }))).toEqual({});
      expectOk(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'lr', value: '0.1' }));
      expectError(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'lr', value: '0.2' }), 400, 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed');
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, params: [{ key: 'lr', value: '0.3' }] }), 400, 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed');
      expect(asMap((await api.getRun(info.run_id)).data.params)).toEqual({ lr: '0.1' });
    });

    it('keeps empty-string param and tag values', async () => {
      const { info } = await newRun();
      expectOk(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'empty', value: '' }));
      expectOk(await api.post('runs/set-tag', { run_id: info.run_id, key: 'blank', value: '' }));
      const run = await api.getRun(info.run_id);
      expect(asMap(run.data.params)).toEqual({ empty: '' });
      expect(asMap(run.data.tags).blank).toBe('');
    });

    it('refuses param keys that are too long or unsafe', async () => {
      const { info } = await newRun();
      expectError(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'k'.repeat(251), value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'a/../b', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('truncates over-long param (6000) and tag (8000) values, as MLflow does by default', async () => {
      const { info } = await newRun();
      expectOk(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'long', value: 'p'.repeat(6001) }));
      expectOk(await api.post('runs/set-tag', { run_id: info.run_id, key: 'long', value: 't'.repeat(8001) }));
      const run = await api.getRun(info.run_id);
      expect(asMap(run.data.params).long).toBe('p'.repeat(6000));
      expect(asMap(run.data.tags).long).toBe('t'.repeat(8000));
    });

    it('sets, overwrites and deletes run tags; deleting an absent tag is 404', async () => {
      const { info } = await newRun();
      expect(expectOk(await api.post('runs/set-tag', { run_id: info.run_id, key: 'k', value: '1' }))).toEqual({});
      expectOk(await api.post('runs/set-tag', { run_id: info.run_id, key: 'k', value: '2' }));
      expectOk(await api.post('runs/set-tag', { run_id: info.run_id, key: 'gone', value: 'x' }));
      expect(expectOk(await api.post('runs/delete-tag', { run_id: info.run_id, key: 'gone' }))).toEqual({});
      const tags = asMap((await api.getRun(info.run_id)).data.tags);
      expect(tags.k).toBe('2');
      expect(tags.gone).toBeUndefined();
      expectError(await api.post('runs/delete-tag', { run_id: info.run_id, key: 'never' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await api.post('runs/set-tag', { run_id: UNKNOWN_RUN, key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('log-batch', () => {
    const metricsOf = (n: number, key = 'm') => Array.from({ length: n }, (_, i) => ({ key, value: i, timestamp: 1, step: i }));
    const paramsOf = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));

    it('logs metrics, params and tags together and answers {}', async () => {
      const { info } = await newRun();
      const r = await api.post('runs/log-batch', {
        run_id: info.run_id,
        metrics: [{ key: 'loss', value: 0.3, timestamp: 10, step: 1 }],
        params: [{ key: 'channels', value: 'HSV' }],
        tags: [{ key: 'stage', value: 'train' }],
      });
      expect(expectOk(r)).toEqual({});
      const run = await api.getRun(info.run_id);
      expect(run.data.metrics).toEqual([{ key: 'loss', value: 0.3, timestamp: 10, step: 1 }]);
      expect(asMap(run.data.params)).toEqual({ channels: 'HSV' });
      expect(asMap(run.data.tags).stage).toBe('train');
      expect(expectOk(await api.post('runs/log-batch', { run_id: info.run_id }))).toEqual({});
    });

    it('accepts the limits exactly: 1000 metrics, 100 params, 100 tags', async () => {
      const { info } = await newRun();
      expectOk(await api.post('runs/log-batch', { run_id: info.run_id, metrics: metricsOf(1000) }));
      expectOk(await api.post('runs/log-batch', { run_id: info.run_id, params: paramsOf(100), tags: paramsOf(100, 't') }));
      expect((await history(info.run_id, 'm')).metrics).toHaveLength(1000);
    });

    it('refuses batches over the limits', async () => {
      const { info } = await newRun();
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, metrics: metricsOf(1001) }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 1000 metrics');
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, params: paramsOf(101) }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 100 params');
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, tags: paramsOf(101, 't') }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 100 tags');
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, metrics: metricsOf(950), params: paramsOf(51) }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 1000 metrics, params, and tags');
      expect(await history(info.run_id, 'm')).toEqual({});
    });

    it('refuses a metric without timestamp and duplicate param keys, writing nothing', async () => {
      const { info } = await newRun();
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, metrics: [{ key: 'x', value: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metrics[0].timestamp'.");
      expectError(
        await api.post('runs/log-batch', { run_id: info.run_id, metrics: [{ key: 'x', value: 1, timestamp: 1 }], params: [{ key: 'a', value: '1' }, { key: 'a', value: '1' }] }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Duplicate parameter keys have been submitted',
      );
      expectOk(await api.post('runs/log-parameter', { run_id: info.run_id, key: 'fixed', value: '1' }));
      expectError(await api.post('runs/log-batch', { run_id: info.run_id, metrics: [{ key: 'x', value: 1, timestamp: 1 }], params: [{ key: 'fixed', value: '2' }] }), 400, 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed');
      expect(await history(info.run_id, 'x')).toEqual({});
      expectError(await api.post('runs/log-batch', { run_id: UNKNOWN_RUN, params: [{ key: 'a', value: '1' }] }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('accepts a body over 1 MB within the item limits', async () => {
      const { info } = await newRun();
      const big = Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(5500) }));
      // MLflow's documented 1 MB check measures the number of top-level JSON keys, so it never fires.
      expectOk(await api.post('runs/log-batch', { run_id: info.run_id, params: big, tags: big }));
      expect(asMap((await api.getRun(info.run_id)).data.params).k99).toHaveLength(5500);
    });
  });

  describe('get-history-bulk-interval', () => {
    async function bulk(query: Record<string, unknown>) {
      return expectOk(await api.get('metrics/get-history-bulk-interval', query as never)) as { metrics?: MetricJson[] };
    }

    it('returns the points of several runs in a step range, tagged with run_id', async () => {
      const a = (await newRun()).info.run_id;
      const b = (await newRun()).info.run_id;
      await api.logBatch(a, { metrics: Array.from({ length: 25 }, (_, i) => ({ key: 'h', value: i, timestamp: 1000 + i, step: i })) });
      await api.logBatch(b, { metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'h', value: i * 10, timestamp: 2000 + i, step: i * 2 })) });
      const r = await bulk({ run_ids: [a, b], metric_key: 'h', start_step: 2, end_step: 8, max_results: 100 });
      expect(r.metrics!.map((m) => [m.run_id, m.step])).toEqual([...[2, 3, 4, 5, 6, 7, 8].map((s) => [a, s]), ...[2, 4, 6, 8].map((s) => [b, s])]);
      expect(r.metrics![0]).toEqual({ key: 'h', value: 2, timestamp: 1002, step: 2, run_id: a });
      const all = await bulk({ run_ids: a, metric_key: 'h' });
      expect(all.metrics).toHaveLength(25);
    });

    it('samples at most max_results points per run, keeping the first and last', async () => {
      const a = (await newRun()).info.run_id;
      const b = (await newRun()).info.run_id;
      await api.logBatch(a, { metrics: Array.from({ length: 25 }, (_, i) => ({ key: 'h', value: i, timestamp: 1000 + i, step: i })) });
      await api.logBatch(b, { metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'h', value: i, timestamp: 1000 + i, step: i * 2 })) });
      const r = await bulk({ run_ids: [a, b], metric_key: 'h', max_results: 5 });
      for (const [runId, lastStep] of [
        [a, 24],
        [b, 18],
      ] as const) {
        const steps = r.metrics!.filter((m) => m.run_id === runId).map((m) => m.step);
        expect(steps.length).toBeGreaterThan(1);
        expect(steps.length).toBeLessThanOrEqual(5);
        expect(steps[0]).toBe(0);
        expect(steps.at(-1)).toBe(lastStep);
        expect([...steps].sort((x, y) => x - y)).toEqual(steps);
      }
      expect(r.metrics![0]!.run_id).toBe(a);
    });

    it('validates run_ids, metric_key, the step range and max_results', async () => {
      const a = (await newRun()).info.run_id;
      const get = (q: Record<string, unknown>) => api.get('metrics/get-history-bulk-interval', q as never);
      expectError(await get({ metric_key: 'h' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_ids'.");
      expectError(await get({ run_ids: a }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metric_key'.");
      expectError(await get({ run_ids: a, metric_key: 'h', start_step: 5 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await get({ run_ids: a, metric_key: 'h', start_step: 5, end_step: 2 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await get({ run_ids: a, metric_key: 'h', max_results: 2501 }), 400, 'INVALID_PARAMETER_VALUE');
      const many = Array.from({ length: 101 }, (_, i) => `${a.slice(0, 29)}${String(i).padStart(3, '0')}`);
      expectError(await get({ run_ids: many, metric_key: 'h' }), 400, 'INVALID_PARAMETER_VALUE', 'GetMetricHistoryBulkInterval request must specify at most 100 run_ids');
    });
  });

  describe('log-inputs', () => {
    const dataset = { name: 'flex', digest: 'abc123', source_type: 'local', source: '{"uri":"/data/flex"}', schema: '{}', profile: '{"rows":10}' };

    it('records dataset inputs once per (name, digest) and shows them on the run', async () => {
      const { info } = await newRun();
      const input = { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset };
      expect(expectOk(await api.post('runs/log-inputs', { run_id: info.run_id, datasets: [input] }))).toEqual({});
      expectOk(await api.post('runs/log-inputs', { run_id: info.run_id, datasets: [input] }));
      expectOk(await api.post('runs/log-inputs', { run_id: info.run_id, datasets: [{ dataset: { ...dataset, digest: 'def456' } }] }));
      const run = await api.getRun(info.run_id);
      expect(run.inputs?.dataset_inputs).toEqual([input, { dataset: { ...dataset, digest: 'def456' } }]);
      expectError(await api.post('runs/log-inputs', { run_id: UNKNOWN_RUN, datasets: [input] }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });
}
