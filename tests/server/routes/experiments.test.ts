// MLflow REST experiments endpoints against a real server on a temporary store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectOk, Rest, uniqueName, type Json } from '../../support/rest.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';

let server: TestServer;
let api: Rest;

beforeAll(async () => {
  server = await startPixal();
  api = new Rest(server.url);
});
afterAll(() => server?.close());

const experimentOf = async (id: string) => (await api.ok('GET', 'experiments/get', { experiment_id: id })).experiment as Json;

describe('experiments/create and get', () => {
  it('creates with the default artifact location and tags, readable by id and by name', async () => {
    const name = uniqueName('exp');
    const id = await api.createExperiment(name, { tags: [{ key: 'team', value: 'pixel' }] });
    expect(id).toMatch(/^\d+$/);
    const experiment = await experimentOf(id);
    expect(experiment).toMatchObject({
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      tags: [{ key: 'team', value: 'pixel' }],
    });
    expect(experiment.creation_time).toBe(experiment.last_update_time);
    const byName = await api.ok('GET', 'experiments/get-by-name', { experiment_name: name });
    expect(byName.experiment).toEqual(experiment);
  });

  it('omits tags when there are none and serves the Default experiment 0', async () => {
    const experiment = await experimentOf('0');
    expect(experiment).toMatchObject({ experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0' });
    expect(experiment).not.toHaveProperty('tags');
  });

  it('keeps a caller-chosen artifact location and refuses runs:/ ones', async () => {
    const id = await api.createExperiment(uniqueName('loc'), { artifact_location: 's3://bucket/path' });
    expect((await experimentOf(id)).artifact_location).toBe('s3://bucket/path');
    expectError(await api.post('experiments/create', { name: uniqueName('loc'), artifact_location: 'runs:/abc' }), 400, 'INVALID_PARAMETER_VALUE', 'Artifact location cannot be a runs:/ URI');
  });

  it('refuses duplicate names, also of deleted experiments', async () => {
    const name = uniqueName('dup');
    const id = await api.createExperiment(name);
    expectError(await api.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
    expectOk(await api.post('experiments/delete', { experiment_id: id }));
    expectError(await api.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('answers bad input with MLflow messages', async () => {
    expectError(await api.post('experiments/create', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    expectError(await api.post('experiments/create', { name: '' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    expectError(await api.post('experiments/create', { name: 123 }), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 123 for parameter 'name' supplied");
    expectError(await api.post('experiments/create', { name: 'x'.repeat(501) }), 400, 'INVALID_PARAMETER_VALUE', "'name' exceeds the maximum length of 500 characters");
    expectError(await api.get('experiments/get', { experiment_id: '999999' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=999999 exists');
    expectError(await api.get('experiments/get', { experiment_id: 'abc' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid experiment ID 'abc'.");
    expectError(await api.get('experiments/get', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'experiment_id'.");
    expectError(
      await api.get('experiments/get-by-name', { experiment_name: 'no-such-experiment' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "Could not find experiment with name 'no-such-experiment'",
    );
  });
});

describe('experiments/update, delete, restore', () => {
  it('renames an active experiment and moves last_update_time', async () => {
    const id = await api.createExperiment(uniqueName('old'));
    const before = await experimentOf(id);
    const name = uniqueName('new');
    await new Promise((r) => setTimeout(r, 5));
    expectOk(await api.post('experiments/update', { experiment_id: id, new_name: name }));
    const after = await experimentOf(id);
    expect(after.name).toBe(name);
    expect(after.last_update_time as number).toBeGreaterThan(before.last_update_time as number);
    expectError(await api.post('experiments/update', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'new_name'.");
    const other = await api.createExperiment(uniqueName('other'));
    expectError(await api.post('experiments/update', { experiment_id: other, new_name: name }), 400, 'BAD_REQUEST');
  });

  it('deletes and restores an experiment together with its runs', async () => {
    const id = await api.createExperiment(uniqueName('life'));
    const run = await api.createRun(id);
    expectOk(await api.post('experiments/delete', { experiment_id: id }));
    expect((await experimentOf(id)).lifecycle_stage).toBe('deleted');
    expect((await api.getRun(run.info.run_id)).info.lifecycle_stage).toBe('deleted');
    expectError(await api.post('experiments/delete', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${id} exists`);
    expectError(await api.post('runs/create', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', `The experiment ${id} must be in the 'active' state. Current state is deleted.`);
    expectError(await api.post('experiments/update', { experiment_id: id, new_name: uniqueName('x') }), 400, 'INVALID_PARAMETER_VALUE', 'Cannot rename a non-active experiment.');
    expectOk(await api.post('experiments/restore', { experiment_id: id }));
    expect((await experimentOf(id)).lifecycle_stage).toBe('active');
    expect((await api.getRun(run.info.run_id)).info.lifecycle_stage).toBe('active');
    expectError(await api.post('experiments/restore', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('experiment tags', () => {
  it('sets, overwrites and deletes tags; an absent value is the empty string', async () => {
    const id = await api.createExperiment(uniqueName('tags'));
    expectOk(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'a', value: '1' }));
    expectOk(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'b' }));
    expectOk(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'a', value: '2' }));
    expect((await experimentOf(id)).tags).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '' },
    ]);
    expectOk(await api.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'a' }));
    expect((await experimentOf(id)).tags).toEqual([{ key: 'b', value: '' }]);
    expectError(await api.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'a' }), 404, 'RESOURCE_DOES_NOT_EXIST', `No tag with name: a in experiment with id ${id}`);
    expectError(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'bad#key', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value "bad#key" for parameter \'key\' supplied: Names may only contain');
  });

  it('refuses tag changes on a deleted experiment', async () => {
    const id = await api.createExperiment(uniqueName('gone'));
    expectOk(await api.post('experiments/delete', { experiment_id: id }));
    expectError(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'a', value: '1' }), 400, 'INVALID_PARAMETER_VALUE', `The experiment ${id} must be in the 'active' state.`);
  });
});

describe('experiments/search', () => {
  let prefix: string;
  const ids: string[] = [];
  beforeAll(async () => {
    prefix = uniqueName('search');
    for (const [i, tag] of ['Pixel', 'pixel', 'other'].entries()) ids.push(await api.createExperiment(`${prefix}-${i}`, { tags: [{ key: 'team', value: tag }] }));
    expectOk(await api.post('experiments/delete', { experiment_id: ids[2] }));
  });
  const names = (body: Json) => ((body.experiments as Json[] | undefined) ?? []).map((e) => e.name as string).filter((n) => n.startsWith(prefix));

  it('lists active experiments newest first, deleted ones by view_type, over POST and GET', async () => {
    expect(names(await api.ok('POST', 'experiments/search', { max_results: 1000 }))).toEqual([`${prefix}-1`, `${prefix}-0`]);
    expect(names(await api.ok('POST', 'experiments/search', { max_results: 1000, view_type: 'DELETED_ONLY' }))).toEqual([`${prefix}-2`]);
    expect(names(await api.ok('GET', 'experiments/search', { max_results: 1000, view_type: 'ALL' }))).toEqual([`${prefix}-2`, `${prefix}-1`, `${prefix}-0`]);
  });

  it('filters by name and tags with case-sensitive LIKE and case-insensitive ILIKE', async () => {
    const search = async (filter: string) => names(await api.ok('POST', 'experiments/search', { max_results: 1000, filter, view_type: 'ALL' }));
    expect(await search(`name = '${prefix}-0'`)).toEqual([`${prefix}-0`]);
    expect(await search(`tags.team LIKE 'P%'`)).toEqual([`${prefix}-0`]);
    expect(await search(`tags.team ILIKE 'p%'`)).toEqual([`${prefix}-1`, `${prefix}-0`]);
    expect(await search(`tags.team != 'other' AND name LIKE '${prefix}%'`)).toEqual([`${prefix}-1`, `${prefix}-0`]);
    expect(await search(`experiment_id IN ('${ids[0]}', '${ids[2]}')`)).toEqual([`${prefix}-2`, `${prefix}-0`]);
    expect(await search(`tags.team IS NULL AND name LIKE '${prefix}%'`)).toEqual([]);
    expect(await search('creation_time < 0')).toEqual([]);
  });

  it('orders and pages', async () => {
    const filter = `name LIKE '${prefix}%'`;
    expect(names(await api.ok('POST', 'experiments/search', { max_results: 10, filter, view_type: 'ALL', order_by: ['name ASC'] }))).toEqual([
      `${prefix}-0`,
      `${prefix}-1`,
      `${prefix}-2`,
    ]);
    const first = await api.ok('POST', 'experiments/search', { max_results: 2, filter, view_type: 'ALL', order_by: ['name'] });
    expect(names(first)).toEqual([`${prefix}-0`, `${prefix}-1`]);
    expect(first.next_page_token).toBe(Buffer.from('{"offset": 2}').toString('base64'));
    const second = await api.ok('POST', 'experiments/search', { max_results: 2, filter, view_type: 'ALL', order_by: ['name'], page_token: first.next_page_token });
    expect(names(second)).toEqual([`${prefix}-2`]);
    expect(second).not.toHaveProperty('next_page_token');
  });

  it('refuses bad paging and filters', async () => {
    expectError(await api.post('experiments/search', {}), 400, 'INVALID_PARAMETER_VALUE', "Invalid value 0 for parameter 'max_results' supplied. It must be a positive integer");
    expectError(await api.post('experiments/search', { max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value 50001 for parameter \'max_results\' supplied. It must be at most 50000');
    expectError(await api.post('experiments/search', { max_results: 5, page_token: 'Zm9v' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid page token, decoded value=b'foo'");
    expectError(await api.post('experiments/search', { max_results: 5, filter: 'metrics.x > 1' }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('experiments/search', { max_results: 5, order_by: ['tags.team'] }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid order_by entity: tag');
  });
});
