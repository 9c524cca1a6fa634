// runs/search against a real server: filters, ordering (missing and NaN last), paging, view types.
// The expected orders were checked against MLflow 3.17's own server on the same runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, Rest, uniqueName, type Json, type RunJson } from '../../support/rest.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';

let server: TestServer;
let api: Rest;
let experimentId: string;
/** Run id → its letter. */
const letters = new Map<string, string>();

interface Spec {
  name: string;
  start: number;
  user: string;
  metrics: Record<string, number | string>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

const SPECS: Spec[] = [
  { name: 'a', start: 100, user: 'alice', metrics: { loss: 0.5, acc: 0.9 }, params: { lr: '0.01', opt: 'Adam' }, tags: { stage: 'train', note: 'Hello World' } },
  { name: 'b', start: 200, user: 'alice', metrics: { loss: 'NaN', acc: 0.8 }, params: { lr: '0.1', opt: 'adam' }, tags: { stage: 'val' } },
  { name: 'c', start: 300, user: 'bob', metrics: { loss: 0.2 }, params: { lr: '0.01' }, tags: { stage: 'train', note: 'hello_world' } },
  { name: 'd', start: 350, user: 'bob', metrics: { acc: 0.95, loss: 'Infinity' }, params: { opt: 'SGD' }, tags: {} },
  { name: 'e', start: 50, user: 'bob', metrics: { loss: '-Infinity', acc: 0.9 }, params: { lr: '1e-3', opt: 'Adam%' }, tags: { stage: 'TRAIN' } },
];

beforeAll(async () => {
  server = await startPixal();
  api = new Rest(server.url);
  experimentId = await api.createExperiment(uniqueName('search'));
  for (const s of SPECS) {
    const run = await api.createRun(experimentId, { start_time: s.start, run_name: `run-${s.name}`, user_id: s.user });
    const id = run.info.run_id;
    letters.set(id, s.name);
    await api.logBatch(id, {
      metrics: Object.entries(s.metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
      params: Object.entries(s.params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(s.tags).map(([key, value]) => ({ key, value })),
    });
    if (s.name === 'c') await api.ok('POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 400 });
    if (s.name === 'e')
      await api.ok('POST', 'runs/log-inputs', {
        run_id: id,
        datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'mnist', digest: 'd1', source_type: 'local', source: 's' } }],
      });
  }
});
afterAll(() => server?.close());

async function search(body: Json): Promise<{ ids: string; next?: string }> {
  const res = await api.ok('POST', 'runs/search', { experiment_ids: [experimentId], ...body });
  const runs = (res.runs as RunJson[] | undefined) ?? [];
  return { ids: runs.map((r) => letters.get(r.info.run_id) ?? '?').join(''), next: res.next_page_token as string | undefined };
}
const ids = async (body: Json) => (await search(body)).ids;

describe('filters', () => {
  it.each([
    ['', 'dcbae'],
    ['metrics.loss < 1', 'cae'],
    ['metrics.loss > 0.3', 'da'],
    ['metrics.loss != 0.5', 'dcbe'],
    ['metrics.loss = 0.5', 'a'],
    ['metrics.loss >= -1e309', 'dcae'],
    ['metric.acc > 0.85', 'dae'],
    ['metrics.acc <= 0.9', 'bae'],
    ["params.lr = '0.01'", 'ca'],
    ["params.lr != '0.01'", 'be'],
    ["param.opt LIKE 'Adam%'", 'ae'],
    ["params.opt ILIKE 'adam%'", 'bae'],
    ["params.opt LIKE 'Ad_m'", 'a'],
    ["tags.note LIKE 'hello%'", 'c'],
    ["tags.note ILIKE 'HELLO%'", 'ca'],
    ["tags.note LIKE '%_world'", 'c'],
    ["tags.stage = 'train'", 'ca'],
    ["tags.stage LIKE 'T%'", 'e'],
    ['tags.stage IS NULL', 'd'],
    ['tags.stage IS NOT NULL', 'cbae'],
    ['params.lr IS NULL', 'd'],
    ["attributes.run_name = 'run-a'", 'a'],
    ["run_name LIKE 'run-%'", 'dcbae'],
    ["attr.run_name ILIKE 'RUN-B'", 'b'],
    ["attributes.status = 'FINISHED'", 'c'],
    ["status != 'RUNNING'", 'c'],
    ["user_id = 'alice'", 'ba'],
    ['attributes.start_time > 100', 'dcb'],
    ['start_time <= 100', 'ae'],
    ['attributes.end_time > 0', 'c'],
    ['created >= 300', 'dc'],
    ["params.lr = '0.01' AND metrics.loss < 0.3", 'c'],
    ["tags.stage = 'train' and params.opt = 'Adam'", 'a'],
    ['metrics.nokey > 0', ''],
    ["params.lr = '0.01' AND params.lr = '0.1'", ''],
    ["dataset.name = 'mnist'", 'e'],
    ["datasets.digest = 'd1'", 'e'],
    ["dataset.context = 'training'", 'e'],
    ["dataset.name IN ('mnist', 'x')", 'e'],
    ['metrics.`loss` < 1', 'cae'],
  ])('%s → %s', async (filter, expected) => {
    expect(await ids({ filter })).toBe(expected);
  });

  it('matches run_id with IN and NOT IN', async () => {
    const [a, b] = [...letters.keys()];
    expect(await ids({ filter: `attributes.run_id IN ('${a}', '${b}')` })).toBe('ba');
    expect(await ids({ filter: `run_id NOT IN ('${a}', '${b}')` })).toBe('dce');
  });

  it('refuses filters MLflow refuses, with 400', async () => {
    for (const filter of ["metrics.loss < 'a'", "params.lr > '1'", 'nonsense', 'metrics.loss < 1 OR metrics.loss > 2'])
      expectError(await api.post('runs/search', { experiment_ids: [experimentId], filter }), 400, 'INVALID_PARAMETER_VALUE');
  });
});

describe('order_by', () => {
  it.each([
    [['metrics.loss'], 'ecadb'],
    [['metrics.loss DESC'], 'daceb'],
    [['metrics.acc DESC'], 'daebc'],
    [['metrics.acc'], 'baedc'],
    [['params.lr'], 'cabed'],
    [['params.lr DESC'], 'ebcad'],
    [['tags.stage'], 'ecabd'],
    [['tags.stage DESC'], 'bcaed'],
    [['attributes.start_time'], 'eabcd'],
    [['start_time DESC'], 'dcbae'],
    [['attributes.end_time'], 'cdbae'],
    [['end_time DESC'], 'cdbae'],
    [['run_name DESC'], 'edcba'],
    [['status'], 'cdbae'],
    [['user_id DESC', 'metrics.loss'], 'ecdab'],
    [['metrics.nokey'], 'dcbae'],
    [['params.opt DESC', 'start_time ASC'], 'bdeac'],
    [['created DESC'], 'dcbae'],
  ])('%j → %s', async (orderBy, expected) => {
    expect(await ids({ order_by: orderBy })).toBe(expected);
  });

  it('breaks start_time ties by run_id ascending', async () => {
    const exp = await api.createExperiment(uniqueName('ties'));
    const made = [];
    for (let i = 0; i < 4; i++) made.push((await api.createRun(exp, { start_time: 7 })).info.run_id);
    const res = await api.ok('POST', 'runs/search', { experiment_ids: [exp] });
    expect((res.runs as RunJson[]).map((r) => r.info.run_id)).toEqual([...made].sort());
  });

  it('refuses a key named twice and unknown keys, with 400', async () => {
    expectError(
      await api.post('runs/search', { experiment_ids: [experimentId], order_by: ['metrics.loss', 'metrics.loss DESC'] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "`order_by` contains duplicate fields: ['metrics.loss', 'metrics.loss DESC']",
    );
    expectError(await api.post('runs/search', { experiment_ids: [experimentId], order_by: ['bogus.x'] }), 400, 'INVALID_PARAMETER_VALUE', "Invalid entity type 'bogus'.");
  });

  it('combines a filter with an order', async () => {
    expect(await ids({ filter: 'metrics.loss < 10', order_by: ['metrics.acc DESC'] })).toBe('aec');
  });
});

describe('paging and views', () => {
  it('pages with MLflow offset tokens, the last page without a token', async () => {
    const order_by = ['metrics.loss'];
    const first = await search({ order_by, max_results: 2 });
    expect(first).toEqual({ ids: 'ec', next: Buffer.from('{"offset": 2}').toString('base64') });
    const second = await search({ order_by, max_results: 2, page_token: first.next });
    expect(second).toEqual({ ids: 'ad', next: Buffer.from('{"offset": 4}').toString('base64') });
    expect(await search({ order_by, max_results: 2, page_token: second.next })).toEqual({ ids: 'b', next: undefined });
    expect(await search({ max_results: 5 })).toEqual({ ids: 'dcbae', next: undefined });
  });

  it('refuses bad page sizes and tokens', async () => {
    const body = { experiment_ids: [experimentId] };
    expectError(await api.post('runs/search', { ...body, max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 50001 for parameter 'max_results' supplied");
    expectError(await api.post('runs/search', { ...body, max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
    expectError(await api.post('runs/search', { ...body, page_token: 'garbage' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode');
    expectError(await api.post('runs/search', { ...body, page_token: Buffer.from('{"offset": 0}').toString('base64') }), 400, 'INVALID_PARAMETER_VALUE', "Invalid page token, parsed value={'offset': 0}");
    expectError(await api.post('runs/search', { experiment_ids: ['abc'] }), 400, 'INVALID_PARAMETER_VALUE', "Invalid experiment ID 'abc'.");
    expectError(await api.post('runs/search', { experiment_ids: experimentId }), 400, 'INVALID_PARAMETER_VALUE', `Invalid value "${experimentId}" for parameter 'experiment_ids' supplied`);
  });

  it('hides deleted runs unless run_view_type asks, and searches several experiments', async () => {
    const exp = await api.createExperiment(uniqueName('views'));
    const keep = (await api.createRun(exp, { start_time: 2 })).info.run_id;
    const gone = (await api.createRun(exp, { start_time: 1 })).info.run_id;
    await api.ok('POST', 'runs/delete', { run_id: gone });
    const idsOf = async (body: Json) => (((await api.ok('POST', 'runs/search', { experiment_ids: [exp], ...body })).runs as RunJson[] | undefined) ?? []).map((r) => r.info.run_id);
    expect(await idsOf({})).toEqual([keep]);
    expect(await idsOf({ run_view_type: 'DELETED_ONLY' })).toEqual([gone]);
    expect(await idsOf({ run_view_type: 'ALL' })).toEqual([keep, gone]);
    expect(await idsOf({ run_view_type: 3 })).toEqual([keep, gone]);
    const both = await api.ok('POST', 'runs/search', { experiment_ids: [exp, experimentId], max_results: 100 });
    expect((both.runs as RunJson[]).length).toBe(6);
    expect(await api.ok('POST', 'runs/search', { experiment_ids: [] })).toEqual({});
  });

  it('returns whole runs with latest metrics, params, tags and inputs', async () => {
    const res = await api.ok('POST', 'runs/search', { experiment_ids: [experimentId], filter: "attributes.run_name = 'run-e'" });
    const [run] = res.runs as (RunJson & { outputs: Json })[];
    expect(run!.data.metrics).toEqual([
      { key: 'loss', value: -Number.MAX_VALUE, timestamp: 1, step: 0 },
      { key: 'acc', value: 0.9, timestamp: 1, step: 0 },
    ]);
    expect(run!.inputs).toEqual({
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: { name: 'mnist', digest: 'd1', source_type: 'local', source: 's' } }],
    });
    expect(run!.outputs).toEqual({});
  });
});
