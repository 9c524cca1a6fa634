// MLflow REST runs endpoints against a real server on a temporary store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asMap, expectError, expectOk, Rest, uniqueName, type Json, type RunJson } from '../../support/rest.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';

let server: TestServer;
let api: Rest;
let experimentId: string;

beforeAll(async () => {
  server = await startPixal();
  api = new Rest(server.url);
  experimentId = await api.createExperiment(uniqueName('runs'));
});
afterAll(() => server?.close());

describe('runs/create and get', () => {
  it('creates a RUNNING run with MLflow ids, artifact URI and the mlflow.runName tag', async () => {
    const body = await api.ok('POST', 'runs/create', {
      experiment_id: experimentId,
      user_id: 'alice',
      run_name: 'first',
      start_time: 1234,
      tags: [{ key: 'z', value: '1' }],
    });
    const run = body.run as RunJson & { outputs?: unknown };
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info).toEqual({
      run_uuid: run.info.run_id,
      experiment_id: experimentId,
      run_name: 'first',
      user_id: 'alice',
      status: 'RUNNING',
      start_time: 1234,
      artifact_uri: `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`,
      lifecycle_stage: 'active',
      run_id: run.info.run_id,
    });
    expect(run.data).toEqual({ tags: [{ key: 'z', value: '1' }, { key: 'mlflow.runName', value: 'first' }] });
    expect(run.inputs).toEqual({});
    expect(run).not.toHaveProperty('outputs');
    const got = (await api.ok('GET', 'runs/get', { run_id: run.info.run_id })).run as Json;
    expect(got).toEqual({ ...run, outputs: {} });
    expect((await api.ok('GET', 'runs/get', { run_uuid: run.info.run_id })).run).toEqual(got);
  });

  it('names a run randomly, or from its mlflow.runName tag, and refuses a contradiction', async () => {
    const random = await api.createRun(experimentId);
    expect(random.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(asMap(random.data.tags)['mlflow.runName']).toBe(random.info.run_name);
    const tagged = await api.createRun(experimentId, { tags: [{ key: 'mlflow.runName', value: 'from-tag' }] });
    expect(tagged.info.run_name).toBe('from-tag');
    expectError(
      await api.post('runs/create', { experiment_id: experimentId, run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').",
    );
  });

  it('stores start_time 0 and user_id "" when the request has neither, as MLflow does', async () => {
    const run = (await api.ok('POST', 'runs/create', { experiment_id: experimentId })).run as RunJson;
    expect(run.info.start_time).toBe(0);
    expect(run.info.user_id).toBe('');
  });

  it('answers missing runs and experiments with 404', async () => {
    expectError(await api.post('runs/create', { experiment_id: '999999' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=999999 exists');
    expectError(await api.post('runs/create', {}), 400, 'BAD_REQUEST');
    expectError(await api.post('runs/create', { experiment_id: experimentId, tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }), 400, 'BAD_REQUEST');
    expectError(await api.get('runs/get', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
    expectError(await api.get('runs/get', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
  });
});

describe('runs/update, delete, restore', () => {
  it('updates status, end_time and name, keeping mlflow.runName in sync', async () => {
    const run = await api.createRun(experimentId, { run_name: 'before' });
    const id = run.info.run_id;
    let info = (await api.ok('POST', 'runs/update', { run_id: id, status: 'FINISHED' })).run_info as Json;
    expect(info.status).toBe('FINISHED');
    expect(info).not.toHaveProperty('end_time');
    info = (await api.ok('POST', 'runs/update', { run_uuid: id, end_time: 5000, run_name: 'after' })).run_info as Json;
    expect(info).toMatchObject({ status: 'FINISHED', end_time: 5000, run_name: 'after' });
    expect(asMap((await api.getRun(id)).data.tags)['mlflow.runName']).toBe('after');
    info = (await api.ok('POST', 'runs/update', { run_id: id, status: 4 })).run_info as Json;
    expect(info.status).toBe('FAILED');
    // An unknown status is dropped by MLflow's protobuf parser: nothing changes.
    info = (await api.ok('POST', 'runs/update', { run_id: id, status: 'BOGUS' })).run_info as Json;
    expect(info.status).toBe('FAILED');
    expectError(await api.post('runs/update', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('renames through the mlflow.runName tag, ignoring an empty one', async () => {
    const id = (await api.createRun(experimentId, { run_name: 'x' })).info.run_id;
    expectOk(await api.post('runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'renamed' }));
    expect((await api.getRun(id)).info.run_name).toBe('renamed');
    await api.logBatch(id, { tags: [{ key: 'mlflow.runName', value: '' }] });
    const run = await api.getRun(id);
    expect(run.info.run_name).toBe('renamed');
    expect(asMap(run.data.tags)['mlflow.runName']).toBe('renamed');
  });

  it('deletes and restores; a deleted run refuses writes', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    expectOk(await api.post('runs/delete', { run_id: id }));
    expect((await api.getRun(id)).info.lifecycle_stage).toBe('deleted');
    const inactive = `The run ${id} must be in the 'active' state. Current state is deleted.`;
    expectError(await api.post('runs/set-tag', { run_id: id, key: 'a', value: 'b' }), 400, 'INVALID_PARAMETER_VALUE', inactive);
    expectError(await api.post('runs/log-parameter', { run_id: id, key: 'a', value: 'b' }), 400, 'INVALID_PARAMETER_VALUE', inactive);
    expectError(await api.post('runs/log-metric', { run_id: id, key: 'a', value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', inactive);
    expectError(await api.post('runs/update', { run_id: id, status: 'FINISHED' }), 400, 'INVALID_PARAMETER_VALUE', inactive);
    expectOk(await api.post('runs/restore', { run_id: id }));
    expect((await api.getRun(id)).info.lifecycle_stage).toBe('active');
    expectError(await api.post('runs/restore', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('tags and params', () => {
  it('sets and deletes run tags, truncating long values and refusing bad keys', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    expectOk(await api.post('runs/set-tag', { run_id: id, key: 'empty' }));
    expectOk(await api.post('runs/set-tag', { run_id: id, key: 'long', value: 'v'.repeat(8001) }));
    const tags = asMap((await api.getRun(id)).data.tags);
    expect(tags.empty).toBe('');
    expect(tags.long).toHaveLength(8000);
    expectOk(await api.post('runs/delete-tag', { run_id: id, key: 'empty' }));
    expect(asMap((await api.getRun(id)).data.tags)).not.toHaveProperty('empty');
    expectError(await api.post('runs/delete-tag', { run_id: id, key: 'empty' }), 404, 'RESOURCE_DOES_NOT_EXIST', `No tag with name: empty in run with id ${id}`);
    expectError(await api.post('runs/set-tag', { run_id: id, key: 'k'.repeat(251), value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', "'key' exceeds the maximum length of 250 characters");
    expectError(await api.post('runs/set-tag', { run_id: id, key: '../up', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value "../up" for parameter \'key\' supplied: Names may be treated as files');
  });

  it('keeps params immutable: the same value again is fine, another is refused', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    expectOk(await api.post('runs/log-parameter', { run_id: id, key: 'lr', value: '0.01' }));
    expectOk(await api.post('runs/log-parameter', { run_uuid: id, key: 'lr', value: '0.01' }));
    expectError(
      await api.post('runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' }),
      400,
      'INVALID_PARAMETER_VALUE',
      `Changing param values is not allowed. Param with key='lr' was already logged with value='0.01' for run ID='${id}'. Attempted logging new value '0.1'.`,
    );
    expectError(
      await api.post('runs/log-batch', { run_id: id, params: [{ key: 'lr', value: '0.1' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      `Changing param values is not allowed. Params were already logged='[{'key': 'lr', 'old_value': '0.01', 'new_value': '0.1'}]' for run ID='${id}'.`,
    );
    expectOk(await api.post('runs/log-parameter', { run_id: id, key: 'empty' }));
    expectOk(await api.post('runs/log-parameter', { run_id: id, key: 'long', value: 'v'.repeat(6001) }));
    const params = asMap((await api.getRun(id)).data.params);
    expect(params).toMatchObject({ lr: '0.01', empty: '' });
    expect(params.long).toHaveLength(6000);
    expectError(await api.post('runs/log-parameter', { run_id: id, key: 'k'.repeat(251), value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', "'Param key' exceeds the maximum length of 250 characters");
  });
});

describe('metrics', () => {
  it('keeps the max of (step, timestamp, value) as the latest value, NaN and infinities included', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    await api.logBatch(id, {
      metrics: [
        { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 5, step: 2 },
        { key: 'loss', value: 0.7, timestamp: 1, step: 1 },
        { key: 'nan', value: 'NaN', timestamp: 1 },
        { key: 'inf', value: 'Infinity', timestamp: 1 },
        { key: 'ninf', value: '-Infinity', timestamp: 1 },
      ],
    });
    expectOk(await api.post('runs/log-metric', { run_id: id, key: 'loss', value: 0.1, timestamp: 1, step: 2 }));
    const metrics = Object.fromEntries(((await api.getRun(id)).data.metrics ?? []).map((m) => [m.key, m]));
    expect(metrics.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 5, step: 2 });
    expect(metrics.nan).toEqual({ key: 'nan', value: 'NaN', timestamp: 1, step: 0 });
    // MLflow's SQL store keeps ±Infinity as ±DBL_MAX, and answers those.
    expect(metrics.inf!.value).toBe(Number.MAX_VALUE);
    expect(metrics.ninf!.value).toBe(-Number.MAX_VALUE);
  });

  it('checks metric requests as MLflow does', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    expectError(await api.post('runs/log-metric', { run_id: id, key: 'm', value: 1 }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'timestamp'.");
    expectError(await api.post('runs/log-metric', { run_id: id, key: 'm', timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'value'.");
    expectError(await api.post('runs/log-metric', { run_id: id, value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'.");
    expectError(await api.post('runs/log-metric', { run_id: id, key: 'a#b', value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value "a#b" for parameter \'name\' supplied: Names may only contain');
    expectError(await api.post('runs/log-metric', { run_id: id, key: '/abs', value: 1, timestamp: 1 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value \"/abs\" for parameter 'name' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '/abs'");
    expectError(
      await api.post('runs/log-metric', { run_id: id, key: 'm', value: 1, timestamp: -1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid value -1 for parameter 'timestamp' supplied: metric 'm' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) ",
    );
    expectError(await api.post('runs/log-metric', { run_id: 'nope', key: 'm', value: 1, timestamp: 1 }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectOk(await api.post('runs/log-metric', { run_id: id, key: 'a..b: x/y', value: '2.5', timestamp: '7', step: '3' }));
    expect((await api.getRun(id)).data.metrics).toEqual([{ key: 'a..b: x/y', value: 2.5, timestamp: 7, step: 3 }]);
  });
});

describe('runs/log-batch', () => {
  const metric = (i: number) => ({ key: 'm', value: i, timestamp: i, step: i });
  const params = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `p${i}`, value: '1' }));

  it('logs metrics, params and tags together; numbers may come as strings', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    await api.logBatch(id, { metrics: [metric(1), metric(2), { key: 's', value: '-Infinity', timestamp: '3', step: '4' }], params: params(2), tags: [{ key: 't', value: 'v' }] });
    const run = await api.getRun(id);
    expect(run.data.metrics).toEqual([
      { key: 'm', value: 2, timestamp: 2, step: 2 },
      { key: 's', value: -Number.MAX_VALUE, timestamp: 3, step: 4 },
    ]);
    expect(asMap(run.data.params)).toEqual({ p0: '1', p1: '1' });
    expect(asMap(run.data.tags).t).toBe('v');
  });

  it('enforces MLflow limits and required fields', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    const batch = (body: Json) => api.post('runs/log-batch', { run_id: id, ...body });
    expectError(await batch({ metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 1000 metrics. Got 1001 metrics.');
    expectError(await batch({ params: params(101) }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 100 params. Got 101 params.');
    expectError(await batch({ tags: params(101) }), 400, 'INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 100 tags. Got 101 tags.');
    expectError(
      await batch({ metrics: Array.from({ length: 950 }, (_, i) => metric(i)), params: params(51) }),
      400,
      'INVALID_PARAMETER_VALUE',
      'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags.',
    );
    expectError(await batch({ metrics: [{ key: 'm', value: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metrics[0].timestamp'.");
    expectError(await batch({ metrics: [{ key: 'm', timestamp: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metrics[0].value'.");
    expectError(await batch({ params: [{ value: '1' }] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'params[0].key'.");
    expectError(await batch({ metrics: [metric(0), { key: 'm', value: 'abc', timestamp: 1 }] }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value "abc" for parameter \'metrics[1].value\' supplied');
    expectError(await batch({ metrics: [{ key: 'm', value: 1, timestamp: 1.5 }] }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 1.5 for parameter 'metrics[0].timestamp' supplied");
    expectError(
      await batch({ params: [{ key: 'd', value: '1' }, { key: 'd', value: '1' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Duplicate parameter keys have been submitted: ['d']. Please ensure the request contains only one param value per param key.",
    );
    expectError(await batch({ tags: [{ key: 'a b#' }] }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value "a b#" for parameter \'tags[0].key\' supplied');
    expectError(await api.post('runs/log-batch', { metrics: [] }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
    expectError(await api.post('runs/log-batch', { run_id: '#bad' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value "#bad" for parameter \'run_id\' supplied.');
    expectError(await api.post('runs/log-batch', { run_id: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Run with id=nope not found');
    // Nothing of a refused batch is kept.
    expect((await api.getRun(id)).data).not.toHaveProperty('metrics');
  });

  it('accepts exactly the limits', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    expectOk(await api.post('runs/log-batch', { run_id: id, metrics: Array.from({ length: 1000 }, (_, i) => metric(i)) }));
    expectOk(await api.post('runs/log-batch', { run_id: id, params: params(100), tags: params(100) }));
    const history = await api.ok('GET', 'metrics/get-history', { run_id: id, metric_key: 'm' });
    expect(history.metrics).toHaveLength(1000);
  });
});

describe('runs/log-inputs', () => {
  it('links datasets once per (name, digest), keeping the first input tags', async () => {
    const id = (await api.createRun(experimentId)).info.run_id;
    const dataset = { name: 'flex', digest: 'abc', source_type: 'local', source: '/data/flex' };
    expectOk(
      await api.post('runs/log-inputs', {
        run_id: id,
        datasets: [
          { tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset },
          { dataset: { name: 'val', digest: 'd', source_type: 'local', source: 's', schema: '{"a":1}', profile: '{"n":2}' } },
        ],
      }),
    );
    expectOk(await api.post('runs/log-inputs', { run_id: id, datasets: [{ tags: [{ key: 'other', value: 'x' }], dataset }] }));
    expect((await api.getRun(id)).inputs).toEqual({
      dataset_inputs: [
        { tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset },
        { dataset: { name: 'val', digest: 'd', source_type: 'local', source: 's', schema: '{"a":1}', profile: '{"n":2}' } },
      ],
    });
    expectError(
      await api.post('runs/log-inputs', { run_id: id, datasets: [{ dataset: { ...dataset, digest: 'd'.repeat(37) } }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      "'digest' exceeds the maximum length of 36 characters",
    );
    expectError(await api.post('runs/log-inputs', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'run_id'.");
  });
});
