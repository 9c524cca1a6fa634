// Registered models over REST on a real server: the JSON MLflow 3.17 returns (checked against a
// real `mlflow server`), its errors and messages, rename cascades and tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AJAX_API, Rest, expectError, expectOk, type Json } from '../../support/rest.ts';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
let api: Rest;

beforeAll(async () => {
  f = await startFixture();
  api = new Rest(f.url);
});
afterAll(async () => {
  await f?.close();
});

type Model = { name: string; description?: string; tags?: Json[]; aliases?: Json[]; latest_versions?: Json[]; creation_timestamp: number; last_updated_timestamp: number };
const model = (r: Json) => r.registered_model as Model;

describe('registered-models/create and get', () => {
  it('creates a model and returns exactly MLflow’s fields, empty ones left out', async () => {
    const created = model(expectOk(await api.post('registered-models/create', { name: 'plain' })));
    expect(Object.keys(created)).toEqual(['name', 'creation_timestamp', 'last_updated_timestamp']);
    expect(created.creation_timestamp).toBe(created.last_updated_timestamp);
    const got = model(expectOk(await api.get('registered-models/get', { name: 'plain' })));
    expect(got).toEqual(created);
  });

  it('keeps tags (last value of a repeated key) and the description', async () => {
    const created = model(
      expectOk(
        await api.post('registered-models/create', {
          name: 'tagged',
          description: 'anomaly AE',
          tags: [
            { key: 'team', value: 'atlas' },
            { key: 'flex', value: 'R0' },
            { key: 'team', value: 'itk' },
          ],
        }),
      ),
    );
    expect(created.description).toBe('anomaly AE');
    expect(created.tags).toEqual([
      { key: 'team', value: 'itk' },
      { key: 'flex', value: 'R0' },
    ]);
  });

  it('is served under /ajax-api too', async () => {
    expectOk(await api.withPrefix(AJAX_API).post('registered-models/create', { name: 'via-ajax' }));
    expect(model(expectOk(await api.get('registered-models/get', { name: 'via-ajax' }))).name).toBe('via-ajax');
  });

  it('refuses duplicates, bad names and missing fields with MLflow’s messages', async () => {
    expectError(await api.post('registered-models/create', { name: 'plain' }), 400, 'RESOURCE_ALREADY_EXISTS', 'Registered Model (name=plain) already exists.');
    expectError(await api.post('registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'. See the API docs");
    expectError(await api.post('registered-models/create', { name: '' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
    expectError(await api.post('registered-models/create', { name: 'a:b' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid model name 'a:b'. Names cannot contain '/' or ':'.");
    expectError(await api.post('registered-models/create', { name: 'a/b' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid model name 'a/b'.");
    expectError(await api.post('registered-models/create', { name: 123 }), 400, 'INVALID_PARAMETER_VALUE', 'Invalid value 123 for parameter');
    expectError(
      await api.post('registered-models/create', { name: 'bad-tag', tags: [{ key: 'bad key!', value: 'x' }] }),
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value "bad key!" for parameter 'key' supplied: Names may only contain`,
    );
    expectError(await api.get('registered-models/get', { name: 'nope' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nope not found');
    expectError(await api.get('registered-models/get', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
  });
});

describe('registered-models/update, set-tag, delete-tag', () => {
  it('updates the description and the update time; an absent description clears it', async () => {
    const before = model(expectOk(await api.post('registered-models/create', { name: 'upd' })));
    const updated = model(expectOk(await api.patch('registered-models/update', { name: 'upd', description: 'new words' })));
    expect(updated.description).toBe('new words');
    expect(updated.last_updated_timestamp).toBeGreaterThanOrEqual(before.last_updated_timestamp);
    const cleared = model(expectOk(await api.patch('registered-models/update', { name: 'upd' })));
    expect(cleared.description).toBeUndefined();
    expectError(await api.patch('registered-models/update', { name: 'ghost', description: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('sets, overwrites and deletes tags; a tag without value is empty', async () => {
    await api.post('registered-models/create', { name: 'tags' });
    expect(expectOk(await api.post('registered-models/set-tag', { name: 'tags', key: 'a', value: '1' }))).toEqual({});
    expectOk(await api.post('registered-models/set-tag', { name: 'tags', key: 'b' }));
    expectOk(await api.post('registered-models/set-tag', { name: 'tags', key: 'a', value: '2' }));
    expect(model(expectOk(await api.get('registered-models/get', { name: 'tags' }))).tags).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '' },
    ]);
    expectOk(await api.delete('registered-models/delete-tag', { name: 'tags', key: 'a' }));
    expectOk(await api.delete('registered-models/delete-tag', { name: 'tags', key: 'never-set' }));
    expect(model(expectOk(await api.get('registered-models/get', { name: 'tags' }))).tags).toEqual([{ key: 'b', value: '' }]);
    expectError(await api.post('registered-models/set-tag', { name: 'ghost', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=ghost not found');
    expectError(await api.post('registered-models/set-tag', { name: 'tags', key: '../up', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', `Invalid value "../up" for parameter 'key'`);
    expectError(await api.post('registered-models/set-tag', { name: 'tags', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'.");
    expectError(await api.delete('registered-models/delete-tag', { name: 'ghost', key: 'k' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('registered-models/rename and delete', () => {
  it('renames a model with its versions, version tags and aliases', async () => {
    const runId = f.seedRun();
    await api.post('registered-models/create', { name: 'old-name', tags: [{ key: 't', value: 'v' }] });
    await api.post('model-versions/create', { name: 'old-name', source: `runs:/${runId}/model`, run_id: runId, tags: [{ key: 'mv', value: '1' }] });
    await api.post('registered-models/alias', { name: 'old-name', alias: 'champion', version: '1' });
    const renamed = model(expectOk(await api.post('registered-models/rename', { name: 'old-name', new_name: 'new-name' })));
    expect(renamed.name).toBe('new-name');
    expect(renamed.tags).toEqual([{ key: 't', value: 'v' }]);
    expect(renamed.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    const version = expectOk(await api.get('model-versions/get', { name: 'new-name', version: '1' })).model_version as Json;
    expect(version.name).toBe('new-name');
    expect(version.tags).toEqual([{ key: 'mv', value: '1' }]);
    expect(version.aliases).toEqual(['champion']);
    expect((expectOk(await api.get('registered-models/alias', { name: 'new-name', alias: 'champion' })).model_version as Json).version).toBe('1');
    expectError(await api.get('registered-models/get', { name: 'old-name' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    // A model later created under the old name starts with no tags of the renamed one's versions.
    await api.post('registered-models/create', { name: 'old-name' });
    await api.post('model-versions/create', { name: 'old-name', source: `runs:/${runId}/model`, run_id: runId });
    expect((expectOk(await api.get('model-versions/get', { name: 'old-name', version: '1' })).model_version as Json).tags).toBeUndefined();
  });

  it('refuses a taken or invalid new name', async () => {
    await api.post('registered-models/create', { name: 'r1' });
    await api.post('registered-models/create', { name: 'r2' });
    expectError(await api.post('registered-models/rename', { name: 'r1', new_name: 'r2' }), 400, 'RESOURCE_ALREADY_EXISTS', 'Registered Model (name=r2) already exists.');
    expectError(await api.post('registered-models/rename', { name: 'r1', new_name: 'x/y' }), 400, 'INVALID_PARAMETER_VALUE', "Invalid model name 'x/y'.");
    expectError(await api.post('registered-models/rename', { name: 'r1' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'new_name'.");
    expectError(await api.post('registered-models/rename', { name: 'ghost', new_name: 'r3' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('deletes a model with everything in it', async () => {
    const runId = f.seedRun();
    await api.post('registered-models/create', { name: 'doomed' });
    await api.post('model-versions/create', { name: 'doomed', source: `runs:/${runId}/m`, run_id: runId, tags: [{ key: 'k', value: 'v' }] });
    expect(expectOk(await api.delete('registered-models/delete', { name: 'doomed' }))).toEqual({});
    expectError(await api.get('registered-models/get', { name: 'doomed' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.delete('registered-models/delete', { name: 'doomed' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=doomed not found');
    // Re-created, it numbers from 1 again with no leftover tags.
    await api.post('registered-models/create', { name: 'doomed' });
    const v = expectOk(await api.post('model-versions/create', { name: 'doomed', source: `runs:/${runId}/m`, run_id: runId })).model_version as Json;
    expect(v.version).toBe('1');
    expect(v.tags).toBeUndefined();
  });
});

describe('registered-models/get-latest-versions', () => {
  it('gives the newest version per stage, filtered by stages (any case), with aliases', async () => {
    const runId = f.seedRun();
    await api.post('registered-models/create', { name: 'latest' });
    for (let i = 0; i < 4; i++) await api.post('model-versions/create', { name: 'latest', source: `runs:/${runId}/m`, run_id: runId });
    await api.post('model-versions/transition-stage', { name: 'latest', version: '1', stage: 'Staging' });
    await api.post('model-versions/transition-stage', { name: 'latest', version: '2', stage: 'Production' });
    await api.post('registered-models/alias', { name: 'latest', alias: 'prod', version: '2' });
    const all = expectOk(await api.post('registered-models/get-latest-versions', { name: 'latest' })).model_versions as Json[];
    expect(all.map((v) => [v.version, v.current_stage])).toEqual([
      ['1', 'Staging'],
      ['2', 'Production'],
      ['4', 'None'],
    ]);
    expect(all[1]!.aliases).toEqual(['prod']);
    const some = expectOk(await api.post('registered-models/get-latest-versions', { name: 'latest', stages: ['production', 'NONE'] })).model_versions as Json[];
    expect(some.map((v) => v.version)).toEqual(['2', '4']);
    const viaGet = expectOk(await api.get('registered-models/get-latest-versions', { name: 'latest', stages: 'Staging' })).model_versions as Json[];
    expect(viaGet.map((v) => v.version)).toEqual(['1']);
    expect(expectOk(await api.post('registered-models/get-latest-versions', { name: 'latest', stages: ['Archived'] }))).toEqual({});
    expectError(
      await api.post('registered-models/get-latest-versions', { name: 'latest', stages: ['bad'] }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid Model Version stage: bad. Value must be one of None, Staging, Production, Archived.',
    );
    expectError(await api.post('registered-models/get-latest-versions', { name: 'ghost' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
