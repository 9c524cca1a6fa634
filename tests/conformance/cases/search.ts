// runs/search: the filter grammar, order_by with missing values and tie-breaks, view types and
// paging, as the real MLflow server answers them. One fixture experiment holds five runs.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conformance } from '../../support/conformance.ts';
import { Rest, expectError, expectOk, uniqueName, type RunJson } from '../../support/rest.ts';

interface Fixture {
  name: string;
  start: number;
  user: string;
  metrics: Record<string, number | string>;
  params: Record<string, string>;
  tags: Record<string, string>;
  status?: string;
  end?: number;
}

// Runs named after their role; `nan` has a NaN loss, `bare` has no metrics, params or tags.
const FIXTURES: Fixture[] = [
  { name: 'alpha', start: 1000, user: 'ann', metrics: { loss: 0.5, acc: 0.9, 'f1-score': 0.7 }, params: { lr: '0.01', channels: 'HSV' }, tags: { stage: 'train', 'pixal.pool': '2' }, status: 'FINISHED', end: 2000 },
  { name: 'beta', start: 3000, user: 'bob', metrics: { loss: 0.2, acc: 0.95 }, params: { lr: '0.1', channels: 'RGB' }, tags: { stage: 'Train' }, status: 'FAILED', end: 4000 },
  { name: 'gamma', start: 2000, user: 'ann', metrics: { loss: 0.8 }, params: { lr: '0.001', channels: 'LAB_ab' }, tags: { stage: 'eval' } },
  { name: 'nan', start: 2500, user: 'cy', metrics: { loss: 'NaN', acc: 0.1 }, params: { lr: '0.5' }, tags: {} },
  { name: 'bare', start: 500, user: 'bob', metrics: {}, params: {}, tags: {} },
];

export function searchCases(ctx: Conformance): void {
  let api: Rest;
  let experimentId: string;
  const ids: Record<string, string> = {};
  const nameOf: Record<string, string> = {};

  beforeAll(async () => {
    api = ctx.api;
    experimentId = await api.createExperiment(uniqueName('search'));
    for (const f of FIXTURES) {
      const run = await api.createRun(experimentId, { run_name: f.name, start_time: f.start, user_id: f.user });
      const id = run.info.run_id;
      ids[f.name] = id;
      nameOf[id] = f.name;
      await api.logBatch(id, {
        metrics: Object.entries(f.metrics).map(([key, value]) => ({ key, value, timestamp: f.start, step: 0 })),
        params: Object.entries(f.params).map(([key, value]) => ({ key, value })),
        tags: Object.entries(f.tags).map(([key, value]) => ({ key, value })),
      });
      if (f.status) await api.ok('POST', 'runs/update', { run_id: id, status: f.status, end_time: f.end });
    }
  });

  async function searchRaw(body: Record<string, unknown>) {
    return api.post('runs/search', { experiment_ids: [experimentId], max_results: 1000, ...body });
  }
  /** Names of the runs a search returns, in order. */
  async function names(filter: string, order_by?: string[]): Promise<string[]> {
    const r = expectOk(await searchRaw({ filter, ...(order_by ? { order_by } : {}) }));
    return ((r.runs as RunJson[] | undefined) ?? []).map((run) => nameOf[run.info.run_id] ?? run.info.run_name);
  }
  const sorted = async (filter: string) => (await names(filter)).sort();

  describe('filter', () => {
    it('compares metrics with every numeric operator; NaN and missing keys never match', async () => {
      expect(await sorted('metrics.loss > 0.4')).toEqual(['alpha', 'gamma']);
      expect(await sorted('metrics.loss >= 0.5')).toEqual(['alpha', 'gamma']);
      expect(await sorted('metrics.loss < 0.5')).toEqual(['beta']);
      expect(await sorted('metrics.loss <= 0.5')).toEqual(['alpha', 'beta']);
      expect(await sorted('metrics.loss = 0.2')).toEqual(['beta']);
      expect(await sorted('metrics.acc != 0.9')).toEqual(['beta', 'nan']);
      expect(await sorted('metric.acc > 0.5')).toEqual(['alpha', 'beta']);
      expect(await sorted('metrics.loss > -1e9')).toEqual(['alpha', 'beta', 'gamma']);
    });

    it('matches params and tags with =, !=, LIKE and ILIKE; a run lacking the key does not match', async () => {
      expect(await sorted("params.channels = 'HSV'")).toEqual(['alpha']);
      expect(await sorted("params.channels != 'HSV'")).toEqual(['beta', 'gamma']);
      expect(await sorted("params.lr LIKE '0.0%'")).toEqual(['alpha', 'gamma']);
      expect(await sorted("param.channels ILIKE 'lab%'")).toEqual(['gamma']);
      expect(await sorted("params.channels LIKE 'lab%'")).toEqual([]);
      expect(await sorted("tags.stage = 'train'")).toEqual(['alpha']);
      expect(await sorted("tags.stage ILIKE 'train'")).toEqual(['alpha', 'beta']);
      expect(await sorted("tag.stage != 'eval'")).toEqual(['alpha', 'beta']);
      expect(await sorted('tags.stage LIKE "%a%"')).toEqual(['alpha', 'beta', 'gamma']);
    });

    it('matches attributes under every prefix, run_id IN / NOT IN, and times numerically', async () => {
      expect(await sorted("attributes.run_name = 'alpha'")).toEqual(['alpha']);
      expect(await sorted("run_name LIKE '%a'")).toEqual(['alpha', 'beta', 'gamma']);
      expect(await sorted("attr.status = 'FINISHED'")).toEqual(['alpha']);
      expect(await sorted("run.status != 'RUNNING'")).toEqual(['alpha', 'beta']);
      expect(await sorted("attributes.user_id = 'ann'")).toEqual(['alpha', 'gamma']);
      expect(await sorted("user_id ILIKE 'B%'")).toEqual(['bare', 'beta']);
      expect(await sorted(`attributes.run_id = '${ids.beta}'`)).toEqual(['beta']);
      expect(await sorted(`run_id IN ('${ids.alpha}', '${ids.nan}')`)).toEqual(['alpha', 'nan']);
      expect(await sorted(`attributes.run_id NOT IN ('${ids.alpha}', '${ids.nan}')`)).toEqual(['bare', 'beta', 'gamma']);
      expect(await sorted(`artifact_uri LIKE '%${ids.gamma}%'`)).toEqual(['gamma']);
      expect(await sorted('attributes.start_time >= 2000')).toEqual(['beta', 'gamma', 'nan']);
      expect(await sorted('start_time < 1000')).toEqual(['bare']);
      expect(await sorted('attributes.end_time > 3000')).toEqual(['beta']);
    });

    it('quotes odd keys with backticks or double quotes', async () => {
      expect(await sorted('metrics.`f1-score` > 0.5')).toEqual(['alpha']);
      expect(await sorted('metrics."f1-score" > 0.5')).toEqual(['alpha']);
      expect(await sorted("tags.`pixal.pool` = '2'")).toEqual(['alpha']);
    });

    it('joins clauses with AND in any case', async () => {
      expect(await sorted("metrics.loss < 0.9 AND params.channels != 'RGB'")).toEqual(['alpha', 'gamma']);
      expect(await sorted("metrics.loss < 0.9 and tags.stage = 'eval' And attributes.user_id = 'ann'")).toEqual(['gamma']);
    });

    it('rejects OR, parentheses, unknown entities, bad operators and bad values with 400', async () => {
      for (const filter of [
        "params.lr = '0.1' OR params.lr = '0.01'",
        "(params.lr = '0.1')",
        "foo.bar = '1'",
        "params.lr > '0.1'",
        "metrics.loss = 'abc'",
        'params.lr = 0.1',
        'metrics.loss',
        "attributes.nonexistent = 'x'",
      ]) {
        expectError(await searchRaw({ filter }), 400, 'INVALID_PARAMETER_VALUE');
      }
    });
  });

  describe('order_by', () => {
    it('orders by start_time DESC, then run_id, by default', async () => {
      expect(await names('')).toEqual(['beta', 'nan', 'gamma', 'alpha', 'bare']);
    });

    it('orders by a metric either way, NaN and missing values last', async () => {
      expect(await names('', ['metrics.loss'])).toEqual(['beta', 'alpha', 'gamma', 'nan', 'bare']);
      expect(await names('', ['metrics.loss ASC'])).toEqual(['beta', 'alpha', 'gamma', 'nan', 'bare']);
      expect(await names('', ['metrics.loss DESC'])).toEqual(['gamma', 'alpha', 'beta', 'nan', 'bare']);
      expect(await names('', ['metrics.`f1-score` DESC'])).toEqual(['alpha', 'beta', 'nan', 'gamma', 'bare']);
    });

    it('orders by params, tags and attributes, missing values last', async () => {
      expect(await names('', ['params.channels'])).toEqual(['alpha', 'gamma', 'beta', 'nan', 'bare']);
      expect(await names('', ['params.channels DESC'])).toEqual(['beta', 'gamma', 'alpha', 'nan', 'bare']);
      expect(await names('', ['tags.stage ASC'])).toEqual(['beta', 'gamma', 'alpha', 'nan', 'bare']);
      expect(await names('', ['attributes.start_time'])).toEqual(['bare', 'alpha', 'gamma', 'nan', 'beta']);
      expect(await names('', ['start_time DESC'])).toEqual(['beta', 'nan', 'gamma', 'alpha', 'bare']);
      expect(await names('', ['attributes.run_name DESC'])).toEqual(['nan', 'gamma', 'beta', 'bare', 'alpha']);
      expect(await names('', ['attributes.end_time DESC'])).toEqual(['beta', 'alpha', 'nan', 'gamma', 'bare']);
    });

    it('breaks ties by start_time DESC, then by the next order_by entry', async () => {
      expect(await names('', ['attributes.user_id'])).toEqual(['gamma', 'alpha', 'beta', 'bare', 'nan']);
      expect(await names('', ['attributes.user_id', 'metrics.loss DESC'])).toEqual(['gamma', 'alpha', 'beta', 'bare', 'nan']);
      expect(await names('', ['attributes.status DESC', 'attributes.start_time'])).toEqual(['bare', 'gamma', 'nan', 'alpha', 'beta']);
    });

    it('rejects an invalid order_by', async () => {
      expectError(await searchRaw({ order_by: ['metrics.loss SIDEWAYS'] }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await searchRaw({ order_by: ['foo.bar'] }), 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  describe('view type and paging', () => {
    it('hides deleted runs unless run_view_type asks for them', async () => {
      const experiment = await api.createExperiment(uniqueName('views'));
      const keep = (await api.createRun(experiment, { run_name: 'keep' })).info.run_id;
      const drop = (await api.createRun(experiment, { run_name: 'drop' })).info.run_id;
      expectOk(await api.post('runs/delete', { run_id: drop }));
      const idsOf = async (view?: string) => {
        const r = expectOk(await api.post('runs/search', { experiment_ids: [experiment], ...(view ? { run_view_type: view } : {}) }));
        return ((r.runs as RunJson[] | undefined) ?? []).map((run) => run.info.run_id).sort();
      };
      expect(await idsOf()).toEqual([keep]);
      expect(await idsOf('ACTIVE_ONLY')).toEqual([keep]);
      expect(await idsOf('DELETED_ONLY')).toEqual([drop]);
      expect(await idsOf('ALL')).toEqual([keep, drop].sort());
    });

    it('returns full runs: info, latest metrics, params, tags', async () => {
      const r = expectOk(await searchRaw({ filter: "attributes.run_name = 'alpha'" }));
      const run = (r.runs as RunJson[])[0]!;
      expect(run.info).toMatchObject({ run_id: ids.alpha, run_name: 'alpha', status: 'FINISHED', start_time: 1000, end_time: 2000, user_id: 'ann' });
      expect(run.data.metrics?.find((m) => m.key === 'loss')).toEqual({ key: 'loss', value: 0.5, timestamp: 1000, step: 0 });
      expect(run.data.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.01' }]));
      expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'stage', value: 'train' }]));
    });

    it('searches several experiments at once', async () => {
      const other = await api.createExperiment(uniqueName('other'));
      const extra = (await api.createRun(other, { run_name: 'other', start_time: 9000 })).info.run_id;
      const r = expectOk(await api.post('runs/search', { experiment_ids: [experimentId, other], max_results: 2 }));
      expect((r.runs as RunJson[]).map((run) => run.info.run_id)).toEqual([extra, ids.beta]);
    });

    it('pages with an opaque token, none after the last page', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const r = expectOk(await searchRaw({ max_results: 2, order_by: ['attributes.start_time'], ...(token ? { page_token: token } : {}) }));
        seen.push(...(r.runs as RunJson[]).map((run) => nameOf[run.info.run_id]!));
        token = r.next_page_token as string | undefined;
        pages += 1;
      } while (token && pages < 10);
      expect(seen).toEqual(['bare', 'alpha', 'gamma', 'nan', 'beta']);
      expect(pages).toBe(3);
      const exact = expectOk(await searchRaw({ max_results: 5 }));
      expect(exact.runs).toHaveLength(5);
      expect(exact.next_page_token).toBeUndefined();
    });

    it('answers {} when nothing matches', async () => {
      expect(expectOk(await searchRaw({ filter: "params.lr = 'none'" }))).toEqual({});
    });

    it('rejects max_results over 50000 and a garbage page token', async () => {
      expectError(await searchRaw({ max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
      expectOk(await searchRaw({ max_results: 50000 }));
      expectError(await searchRaw({ page_token: 'not-a-token' }), 400, 'INVALID_PARAMETER_VALUE');
    });
  });
}
