// Experiments routes: the Default experiment, create/get/rename/delete/restore, tags, and search
// with filter, order_by, view_type and paging, as the real MLflow server answers them.
import { beforeAll, expect, it } from 'vitest';
import type { Conformance } from '../../support/conformance.ts';
import { Rest, asMap, expectError, expectOk, uniqueName, type KeyValue } from '../../support/rest.ts';

interface ExperimentJson {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
  tags?: KeyValue[];
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function experimentCases(ctx: Conformance): void {
  let api: Rest;
  beforeAll(() => {
    api = ctx.api;
  });

  const getExperiment = async (id: string) => expectOk(await api.get('experiments/get', { experiment_id: id })).experiment as ExperimentJson;

  /** Names of the experiments a search returns, and its next page token. */
  async function search(body: Record<string, unknown>): Promise<{ names: string[]; token?: string }> {
    const r = expectOk(await api.post('experiments/search', { max_results: 1000, ...body }));
    return { names: ((r.experiments as ExperimentJson[] | undefined) ?? []).map((e) => e.name), token: r.next_page_token as string | undefined };
  }

  /** Creates experiments named `<group>-<suffix>` a few ms apart, so creation times differ. */
  async function createGroup(suffixes: string[], tagOf: (suffix: string) => string = () => 'x'): Promise<{ group: string; ids: Record<string, string> }> {
    const group = uniqueName('grp');
    const ids: Record<string, string> = {};
    for (const suffix of suffixes) {
      ids[suffix] = await api.createExperiment(`${group}-${suffix}`, { tags: [{ key: 'kind', value: tagOf(suffix) }] });
      await pause(5);
    }
    return { group, ids };
  }

  it('has the Default experiment "0" on a fresh server', async () => {
    const e = await getExperiment('0');
    expect(e).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active', artifact_location: 'mlflow-artifacts:/0' });
    const byName = expectOk(await api.get('experiments/get-by-name', { experiment_name: 'Default' })).experiment as ExperimentJson;
    expect(byName.experiment_id).toBe('0');
  });

  it('creates an experiment with a string id, proxied artifact location, times and tags', async () => {
    const name = uniqueName('create');
    const before = Date.now();
    const id = await api.createExperiment(name, { tags: [{ key: 'team', value: 'atlas' }, { key: 'empty', value: '' }] });
    expect(id).toMatch(/^\d+$/);
    const e = await getExperiment(id);
    expect(e).toMatchObject({ experiment_id: id, name, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${id}` });
    expect(e.creation_time).toBeGreaterThanOrEqual(before - 1000);
    expect(e.last_update_time).toBeGreaterThanOrEqual(e.creation_time);
    expect(asMap(e.tags)).toEqual({ team: 'atlas', empty: '' });
  });

  it('keeps an explicit artifact_location', async () => {
    const id = await api.createExperiment(uniqueName('loc'), { artifact_location: '/tmp/elsewhere/x' });
    expect((await getExperiment(id)).artifact_location).toBe('/tmp/elsewhere/x');
  });

  it('omits tags when an experiment has none', async () => {
    const e = await getExperiment(await api.createExperiment(uniqueName('notags')));
    expect(e.tags).toBeUndefined();
  });

  it('refuses a duplicate name, also the name of a deleted experiment', async () => {
    const name = uniqueName('dup');
    const id = await api.createExperiment(name);
    expectError(await api.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
    expectOk(await api.post('experiments/delete', { experiment_id: id }));
    expectError(await api.post('experiments/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
  });

  it('refuses an invalid name', async () => {
    expectError(await api.post('experiments/create', { name: 'a'.repeat(501) }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('finds an experiment by name, 404 when absent', async () => {
    const name = uniqueName('byname');
    const id = await api.createExperiment(name);
    const e = expectOk(await api.get('experiments/get-by-name', { experiment_name: name })).experiment as ExperimentJson;
    expect(e.experiment_id).toBe(id);
    expectError(await api.get('experiments/get-by-name', { experiment_name: `${name}-absent` }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('renames with experiments/update', async () => {
    const id = await api.createExperiment(uniqueName('old'));
    const newName = uniqueName('new');
    expect(expectOk(await api.post('experiments/update', { experiment_id: id, new_name: newName }))).toEqual({});
    expect((await getExperiment(id)).name).toBe(newName);
    expectError(await api.post('experiments/update', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'new_name'.");
    // Renaming onto a taken name fails with a 400 (MLflow surfaces its SQL error as BAD_REQUEST).
    const taken = await api.post('experiments/update', { experiment_id: id, new_name: 'Default' });
    expect(taken.status).toBe(400);
    expectError(await api.post('experiments/update', { experiment_id: '987654', new_name: uniqueName('x') }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('deletes and restores an experiment, its runs with it', async () => {
    const id = await api.createExperiment(uniqueName('del'));
    const run = await api.createRun(id);
    expect(expectOk(await api.post('experiments/delete', { experiment_id: id }))).toEqual({});
    expect((await getExperiment(id)).lifecycle_stage).toBe('deleted');
    expect((await api.getRun(run.info.run_id)).info.lifecycle_stage).toBe('deleted');
    // A deleted experiment is gone for delete and for writes.
    expectError(await api.post('experiments/delete', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('runs/create', { experiment_id: id }), 400, 'INVALID_PARAMETER_VALUE');
    expect(expectOk(await api.post('experiments/restore', { experiment_id: id }))).toEqual({});
    expect((await getExperiment(id)).lifecycle_stage).toBe('active');
    expect((await api.getRun(run.info.run_id)).info.lifecycle_stage).toBe('active');
    // MLflow only restores deleted experiments: an active one is "not found" for restore.
    expectError(await api.post('experiments/restore', { experiment_id: id }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.post('experiments/delete', { experiment_id: '987654' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('sets, overwrites and deletes experiment tags', async () => {
    const id = await api.createExperiment(uniqueName('tags'));
    expect(expectOk(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'stage', value: 'a' }))).toEqual({});
    expectOk(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'stage', value: 'b' }));
    expectOk(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'gone', value: 'x' }));
    expect(expectOk(await api.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'gone' }))).toEqual({});
    expect(asMap((await getExperiment(id)).tags)).toEqual({ stage: 'b' });
    expectError(await api.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'never' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.post('experiments/set-experiment-tag', { experiment_id: id, key: 'bad key!', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('experiments/set-experiment-tag', { experiment_id: '987654', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('searches by view_type: active by default, DELETED_ONLY, ALL', async () => {
    const { group, ids } = await createGroup(['a', 'b', 'c']);
    expectOk(await api.post('experiments/delete', { experiment_id: ids.c! }));
    const filter = `name LIKE '${group}-%'`;
    expect((await search({ filter })).names).toEqual([`${group}-b`, `${group}-a`]);
    expect((await search({ filter, view_type: 'ACTIVE_ONLY' })).names).toEqual([`${group}-b`, `${group}-a`]);
    expect((await search({ filter, view_type: 'DELETED_ONLY' })).names).toEqual([`${group}-c`]);
    expect((await search({ filter, view_type: 'ALL' })).names).toEqual([`${group}-c`, `${group}-b`, `${group}-a`]);
  });

  it('filters by name (=, !=, LIKE, ILIKE), tags and creation_time', async () => {
    const { group } = await createGroup(['x1', 'x2', 'y1'], (s) => (s.startsWith('x') ? 'ex' : 'why'));
    const names = async (filter: string) => (await search({ filter: `name LIKE '${group}-%' AND ${filter}`, order_by: ['name ASC'] })).names;
    expect(await names(`name = '${group}-x1'`)).toEqual([`${group}-x1`]);
    expect(await names(`name != '${group}-x1'`)).toEqual([`${group}-x2`, `${group}-y1`]);
    expect(await names(`name LIKE '%-x_'`)).toEqual([`${group}-x1`, `${group}-x2`]);
    expect(await names(`name ILIKE '%-Y1'`)).toEqual([`${group}-y1`]);
    expect(await names(`name LIKE '%-Y1'`)).toEqual([]);
    expect(await names(`tags.kind = 'ex'`)).toEqual([`${group}-x1`, `${group}-x2`]);
    expect(await names(`tags.kind != 'ex'`)).toEqual([`${group}-y1`]);
    expect(await names(`tags.kind LIKE 'w%'`)).toEqual([`${group}-y1`]);
    expect(await names(`tags.\`kind\` ILIKE 'EX'`)).toEqual([`${group}-x1`, `${group}-x2`]);
    expect(await names(`tags.absent = 'x'`)).toEqual([]);
    expect(await names('creation_time > 0')).toEqual([`${group}-x1`, `${group}-x2`, `${group}-y1`]);
    expect(await names(`creation_time < 0`)).toEqual([]);
    expect(await names(`name = '${group}-x1' and tags.kind = 'ex'`)).toEqual([`${group}-x1`]);
  });

  it('orders by creation_time DESC by default, and by name, times or id on request', async () => {
    const { group } = await createGroup(['b', 'c', 'a']);
    const filter = `name LIKE '${group}-%'`;
    expect((await search({ filter })).names).toEqual([`${group}-a`, `${group}-c`, `${group}-b`]);
    expect((await search({ filter, order_by: ['name'] })).names).toEqual([`${group}-a`, `${group}-b`, `${group}-c`]);
    expect((await search({ filter, order_by: ['name DESC'] })).names).toEqual([`${group}-c`, `${group}-b`, `${group}-a`]);
    expect((await search({ filter, order_by: ['creation_time ASC'] })).names).toEqual([`${group}-b`, `${group}-c`, `${group}-a`]);
    expect((await search({ filter, order_by: ['last_update_time DESC'] })).names).toEqual([`${group}-a`, `${group}-c`, `${group}-b`]);
    expect((await search({ filter, order_by: ['experiment_id DESC'] })).names).toEqual([`${group}-a`, `${group}-c`, `${group}-b`]);
  });

  it('pages with max_results and an opaque next_page_token, absent on the last page', async () => {
    const { group } = await createGroup(['a', 'b', 'c', 'd', 'e']);
    const filter = `name LIKE '${group}-%'`;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await search({ filter, order_by: ['name ASC'], max_results: 2, ...(token ? { page_token: token } : {}) });
      seen.push(...page.names);
      token = page.token;
      pages += 1;
      if (token) expect(page.names).toHaveLength(2);
    } while (token && pages < 10);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'].map((s) => `${group}-${s}`));
    expect(pages).toBe(3);
    // An exact final page carries no token.
    const exact = await search({ filter, max_results: 5 });
    expect(exact.names).toHaveLength(5);
    expect(exact.token).toBeUndefined();
  });

  it('answers an empty search with {}', async () => {
    const r = expectOk(await api.post('experiments/search', { max_results: 10, filter: `name = '${uniqueName('none')}'` }));
    expect(r).toEqual({});
  });

  it('rejects a bad search: OR, unknown attribute, max_results over 50000, bad token, bad order_by', async () => {
    expectError(await api.post('experiments/search', { max_results: 10, filter: "name = 'a' OR name = 'b'" }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('experiments/search', { max_results: 10, filter: "bogus = 'x'" }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('experiments/search', { max_results: 50001 }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('experiments/search', { max_results: 10, page_token: 'garbage' }), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await api.post('experiments/search', { max_results: 10, order_by: ['bogus'] }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('searches through GET with query parameters too', async () => {
    const { group } = await createGroup(['a', 'b']);
    const r = expectOk(await api.get('experiments/search', { filter: `name LIKE '${group}-%'`, order_by: 'name DESC', max_results: 10, view_type: 'ALL' }));
    expect((r.experiments as ExperimentJson[]).map((e) => e.name)).toEqual([`${group}-b`, `${group}-a`]);
  });
}
