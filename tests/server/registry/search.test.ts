// registered-models/search and model-versions/search on a real server: filters, order_by, page
// tokens and limits, with MLflow's semantics on SQLite (case-sensitive LIKE, tags must exist).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rest, expectError, expectOk, type Json } from '../../support/rest.ts';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
let api: Rest;
let runA: string;
let runB: string;

const names = (r: Json) => ((r.registered_models as Json[] | undefined) ?? []).map((m) => m.name);
const versions = (r: Json) => ((r.model_versions as Json[] | undefined) ?? []).map((v) => `${v.name as string}/${v.version as string}`);

beforeAll(async () => {
  f = await startFixture();
  api = new Rest(f.url);
  runA = f.seedRun();
  runB = f.seedRun();
  const models: [string, Json[]][] = [
    ['ae-rgb', [{ key: 'channels', value: 'RGB' }, { key: 'pool', value: '2' }]],
    ['ae-hsv', [{ key: 'channels', value: 'HSV' }]],
    ['AE-lab', [{ key: 'channels', value: 'LAB_ab' }]],
    ['baseline', []],
    ['my_prompt', [{ key: 'mlflow.prompt.is_prompt', value: 'true' }]],
  ];
  for (const [name, tags] of models) expectOk(await api.post('registered-models/create', { name, tags }));
  const mv = (name: string, runId: string, tags: Json[] = []) =>
    api.ok('POST', 'model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId, tags });
  await mv('ae-rgb', runA, [{ key: 'epochs', value: '50' }]);
  await mv('ae-rgb', runB, [{ key: 'epochs', value: '100' }]);
  await mv('ae-hsv', runA);
  await mv('baseline', runB);
  await mv('ae-rgb', runA);
  await api.ok('POST', 'model-versions/create', { name: 'my_prompt', source: 's3://prompts/p', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
});
afterAll(async () => {
  await f?.close();
});

describe('registered-models/search', () => {
  it('lists every model (not prompts) by name, with latest versions, tags and aliases', async () => {
    const all = expectOk(await api.get('registered-models/search'));
    expect(names(all)).toEqual(['AE-lab', 'ae-hsv', 'ae-rgb', 'baseline']);
    expect(all.next_page_token).toBeUndefined();
    const rgb = (all.registered_models as Json[])[2]!;
    expect((rgb.latest_versions as Json[]).map((v) => v.version)).toEqual(['3']);
    expect(rgb.tags).toEqual([
      { key: 'channels', value: 'RGB' },
      { key: 'pool', value: '2' },
    ]);
  });

  it('filters by name (= != LIKE ILIKE IN NOT IN) and tags, LIKE case-sensitive', async () => {
    const q = async (filter: string) => names(expectOk(await api.get('registered-models/search', { filter })));
    expect(await q("name = 'ae-rgb'")).toEqual(['ae-rgb']);
    expect(await q("name != 'ae-rgb'")).toEqual(['AE-lab', 'ae-hsv', 'baseline']);
    expect(await q("name LIKE 'ae-%'")).toEqual(['ae-hsv', 'ae-rgb']);
    expect(await q("name LIKE 'AE%'")).toEqual(['AE-lab']);
    expect(await q("name LIKE 'ae_rgb'")).toEqual(['ae-rgb']);
    expect(await q("name ILIKE 'ae-%'")).toEqual(['AE-lab', 'ae-hsv', 'ae-rgb']);
    expect(await q("name IN ('baseline', 'ae-hsv', 'nothing')")).toEqual(['ae-hsv', 'baseline']);
    expect(await q("name NOT IN ('baseline')")).toEqual(['AE-lab', 'ae-hsv', 'ae-rgb']);
    expect(await q("tags.channels = 'RGB'")).toEqual(['ae-rgb']);
    expect(await q("tags.channels != 'RGB'")).toEqual(['AE-lab', 'ae-hsv']);
    expect(await q("tags.channels LIKE '%a%' AND name LIKE 'AE%'")).toEqual(['AE-lab']);
    expect(await q("tags.`channels` ILIKE 'rgb' and tags.pool = '2'")).toEqual(['ae-rgb']);
    expect(await q("name LIKE 'ae[%'")).toEqual([]);
    expect(await q("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['my_prompt']);
    expect(await q("tags.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['AE-lab', 'ae-hsv', 'ae-rgb', 'baseline']);
    expect(expectOk(await api.get('registered-models/search', { filter: "name = 'zzz'" }))).toEqual({});
  });

  it('orders by name or last update, and pages with MLflow’s offset tokens', async () => {
    expect(names(expectOk(await api.get('registered-models/search', { order_by: 'name DESC' })))).toEqual(['baseline', 'ae-rgb', 'ae-hsv', 'AE-lab']);
    const byTime = names(expectOk(await api.get('registered-models/search', { order_by: ['timestamp DESC'] })));
    expect(byTime[0]).toBe('ae-rgb'); // its third version came last
    const first = expectOk(await api.get('registered-models/search', { max_results: 3 }));
    expect(names(first)).toEqual(['AE-lab', 'ae-hsv', 'ae-rgb']);
    expect(first.next_page_token).toBe(Buffer.from('{"offset": 3}').toString('base64'));
    const second = expectOk(await api.get('registered-models/search', { max_results: 3, page_token: first.next_page_token as string }));
    expect(names(second)).toEqual(['baseline']);
    expect(second.next_page_token).toBeUndefined();
  });

  it('refuses bad limits, keys, tokens and filters with MLflow’s messages', async () => {
    expectError(
      await api.get('registered-models/search', { max_results: 1001 }),
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "1001" for parameter 'max_results' supplied:  Hint: Value was of type 'str'. See the API docs`,
    );
    expectOk(await api.get('registered-models/search', { max_results: 1000 }));
    expectError(await api.get('registered-models/search', { order_by: 'creation_timestamp DESC' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid order by key 'creation_timestamp' specified.");
    expectError(await api.get('registered-models/search', { order_by: ['name', 'name DESC'] }), 400, 'INVALID_PARAMETER_VALUE', '`order_by` contains duplicate fields:');
    expectError(await api.get('registered-models/search', { page_token: 'abc' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode');
    expectError(await api.get('registered-models/search', { filter: "run_id = 'x'" }), 400, 'INVALID_PARAMETER_VALUE', "Invalid attribute key 'run_id' specified.");
    expectError(await api.get('registered-models/search', { filter: "name = 'a' OR name = 'b'" }), 400, 'INVALID_PARAMETER_VALUE');
  });
});

describe('model-versions/search', () => {
  it('lists live versions, newest update first, with tags and no aliases', async () => {
    await api.ok('POST', 'registered-models/alias', { name: 'ae-rgb', alias: 'prod', version: '1' });
    const all = expectOk(await api.get('model-versions/search'));
    const list = all.model_versions as Json[];
    expect(versions(all).sort()).toEqual(['ae-hsv/1', 'ae-rgb/1', 'ae-rgb/2', 'ae-rgb/3', 'baseline/1']);
    // MLflow's default order: last update descending, then name ascending, then version descending.
    const key = (v: Json) => [-(v.last_updated_timestamp as number), v.name as string, -Number(v.version)] as const;
    const sorted = [...list].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2];
    });
    expect(list).toEqual(sorted);
    for (const v of all.model_versions as Json[]) expect(v.aliases).toBeUndefined();
    expect((all.model_versions as Json[]).find((v) => v.name === 'ae-rgb' && v.version === '2')!.tags).toEqual([{ key: 'epochs', value: '100' }]);
  });

  it('filters by name, version_number, run_id, source_path and tags', async () => {
    const q = async (filter: string, order_by: string[] = ['name ASC', 'version_number ASC']) => versions(expectOk(await api.get('model-versions/search', { filter, order_by })));
    expect(await q("name = 'ae-rgb'")).toEqual(['ae-rgb/1', 'ae-rgb/2', 'ae-rgb/3']);
    expect(await q("name = 'ae-rgb' AND version_number >= 2")).toEqual(['ae-rgb/2', 'ae-rgb/3']);
    expect(await q('version_number = 1')).toEqual(['ae-hsv/1', 'ae-rgb/1', 'baseline/1']);
    expect(await q(`run_id = '${runB}'`)).toEqual(['ae-rgb/2', 'baseline/1']);
    expect(await q(`run_id IN ('${runA}')`)).toEqual(['ae-hsv/1', 'ae-rgb/1', 'ae-rgb/3']);
    expect(await q(`source_path = 'runs:/${runB}/model'`)).toEqual(['ae-rgb/2', 'baseline/1']);
    expect(await q("source_path LIKE 'runs:/%'")).toHaveLength(5);
    expect(await q("tags.epochs = '50'")).toEqual(['ae-rgb/1']);
    expect(await q("tags.epochs LIKE '1%'")).toEqual(['ae-rgb/2']);
    expect(await q("tags.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['my_prompt/1']);
  });

  it('orders, pages and refuses bad input as MLflow does', async () => {
    const order_by = ['creation_timestamp ASC'];
    const whole = versions(expectOk(await api.get('model-versions/search', { order_by })));
    const pages: string[] = [];
    let page_token: string | undefined;
    do {
      const page = expectOk(await api.get('model-versions/search', { order_by, max_results: 2, page_token }));
      expect(versions(page).length).toBeLessThanOrEqual(2);
      pages.push(...versions(page));
      page_token = page.next_page_token as string | undefined;
    } while (page_token);
    expect(pages).toEqual(whole);
    expect(whole).toHaveLength(5);
    expectError(await api.get('model-versions/search', { max_results: 0 }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value for max_results. It must be a positive integer, but got 0');
    expectError(await api.get('model-versions/search', { max_results: 200001 }), 400, 'INVALID_PARAMETER_VALUE', `Invalid value "200001" for parameter 'max_results' supplied:`);
    expectError(await api.get('model-versions/search', { order_by: 'run_id' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid attribute key 'run_id' specified.");
    expectError(await api.get('model-versions/search', { filter: "current_stage = 'None'" }), 400, 'INVALID_PARAMETER_VALUE', "Invalid attribute key 'current_stage' specified.");
    expectError(await api.get('model-versions/search', { filter: 'version_number > 1.5' }), 400, 'INVALID_PARAMETER_VALUE');
  });
});
