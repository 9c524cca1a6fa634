// Model versions over REST on a real server: numbering, source checks, stages, deletion, download
// URIs and tags, with the JSON and messages of MLflow 3.17.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rest, expectError, expectOk, type Json } from '../../support/rest.ts';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
let api: Rest;
let runId: string;

beforeAll(async () => {
  f = await startFixture();
  api = new Rest(f.url);
  runId = f.seedRun();
});
afterAll(async () => {
  await f?.close();
});

type Version = Json & { version: string; current_stage: string };
const version = (r: Json) => r.model_version as Version;
const create = async (name: string, extra: Json = {}) =>
  version(expectOk(await api.post('model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId, ...extra })));

describe('model-versions/create', () => {
  it('numbers versions 1, 2, 3 and answers MLflow’s fields in MLflow’s order', async () => {
    await api.post('registered-models/create', { name: 'numbered' });
    const v1 = await create('numbered');
    expect(Object.keys(v1)).toEqual(['name', 'version', 'creation_timestamp', 'last_updated_timestamp', 'current_stage', 'description', 'source', 'run_id', 'status', 'run_link']);
    expect(v1).toMatchObject({ name: 'numbered', version: '1', current_stage: 'None', description: '', source: `runs:/${runId}/model`, run_id: runId, status: 'READY', run_link: '' });
    const v2 = await create('numbered', { description: 'second', run_link: 'http://ui/run', tags: [{ key: 'epochs', value: '50' }] });
    expect(v2).toMatchObject({ version: '2', description: 'second', run_link: 'http://ui/run', tags: [{ key: 'epochs', value: '50' }] });
    expect((await create('numbered')).version).toBe('3');
    const rm = expectOk(await api.get('registered-models/get', { name: 'numbered' })).registered_model as Json;
    expect(rm.last_updated_timestamp).toBeGreaterThanOrEqual(v2.creation_timestamp as number);
  });

  it('needs a registered model and a source', async () => {
    expectError(await api.post('model-versions/create', { name: 'ghost', source: `runs:/${runId}/m`, run_id: runId }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=ghost not found');
    expectError(await api.post('model-versions/create', { name: 'numbered' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'source'.");
    expectError(await api.post('model-versions/create', { name: 'numbered', source: '' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'source'.");
  });

  it('checks the source against run_id as MLflow’s server does', async () => {
    await api.post('registered-models/create', { name: 'sources' });
    const other = f.seedRun();
    const bad = async (body: Json, message: string) => expectError(await api.post('model-versions/create', { name: 'sources', ...body }), 400, 'INVALID_PARAMETER_VALUE', message);
    const runIdMsg = 'The run_id request parameter must identify the resource that contains the source.';
    await bad({ source: `runs:/${runId}/model` }, `Invalid model version source: 'runs:/${runId}/model'. ${runIdMsg}`);
    await bad({ source: `runs:/${runId}/model`, run_id: other }, `Invalid model version source: 'runs:/${runId}/model'. ${runIdMsg}`);
    await bad({ source: `mlflow-artifacts:/0/${runId}/artifacts/model`, run_id: other }, `Invalid model version source: 'mlflow-artifacts:/0/${runId}/artifacts/model'. ${runIdMsg}`);
    await bad({ source: `mlflow-artifacts:/0/${runId}/artifacts/model` }, 'Invalid model version source:');
    await bad({ source: '/tmp/model' }, "Invalid model version source: '/tmp/model'. To use a local path as a model version source");
    await bad({ source: 'file:///etc' }, "Invalid model version source: 'file:///etc'.");
    await bad({ source: 's3://bucket/x/../y' }, "Invalid model version source: 's3://bucket/x/../y'. If supplying a source as an http, https");
    await bad({ source: 's3://bucket/x/%2E%2E/y' }, 'Invalid model version source:');
    await bad({ source: 's3://bucket' }, 'Invalid model version source:');
    await bad({ source: `mlflow-artifacts:/0/${runId}/artifacts/..%2f..%2f${other}`, run_id: runId }, 'Invalid model version source:');
    // Sources outside any run are stored as given.
    const s3 = version(expectOk(await api.post('model-versions/create', { name: 'sources', source: 's3://bucket/models/ae' })));
    expect(s3).toMatchObject({ source: 's3://bucket/models/ae', run_id: '' });
    const proxied = version(expectOk(await api.post('model-versions/create', { name: 'sources', source: `mlflow-artifacts:/0/${runId}/artifacts/model`, run_id: runId })));
    expect(proxied.source).toBe(`mlflow-artifacts:/0/${runId}/artifacts/model`);
  });

  it('stores a models:/ source as the version it names, inheriting its run', async () => {
    await api.post('registered-models/create', { name: 'base' });
    await create('base');
    await api.post('registered-models/alias', { name: 'base', alias: 'champ', version: '1' });
    await api.post('registered-models/create', { name: 'copy' });
    const viaAlias = version(expectOk(await api.post('model-versions/create', { name: 'copy', source: 'models:/base@champ' })));
    expect(viaAlias).toMatchObject({ source: 'models:/base/1', run_id: runId });
    const viaLatest = version(expectOk(await api.post('model-versions/create', { name: 'copy', source: 'models:/base/latest' })));
    expect(viaLatest.source).toBe('models:/base/1');
    expect(expectOk(await api.get('model-versions/get-download-uri', { name: 'copy', version: '1' }))).toEqual({ artifact_uri: `mlflow-artifacts:/0/${runId}/artifacts/model` });
    expectError(
      await api.post('model-versions/create', { name: 'copy', source: 'models:/base/1', run_id: f.seedRun() }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Invalid model version source: 'models:/base/1'. The run_id and model_id request parameters must match the referenced model version.",
    );
    expectError(await api.post('model-versions/create', { name: 'copy', source: 'models:/base/9' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=base, version=9) not found');
  });
});

describe('model-versions/get, update, delete', () => {
  it('reads and updates a version; bad versions get MLflow’s messages', async () => {
    await api.post('registered-models/create', { name: 'rw' });
    const v1 = await create('rw');
    expect(version(expectOk(await api.get('model-versions/get', { name: 'rw', version: '1' })))).toEqual(v1);
    const updated = version(expectOk(await api.patch('model-versions/update', { name: 'rw', version: '1', description: 'tuned' })));
    expect(updated.description).toBe('tuned');
    expect(updated.last_updated_timestamp).toBeGreaterThanOrEqual(v1.last_updated_timestamp as number);
    expectError(await api.get('model-versions/get', { name: 'rw', version: '9' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=rw, version=9) not found');
    expectError(await api.get('model-versions/get', { name: 'rw', version: 'x' }), 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'x'.");
    expectError(await api.get('model-versions/get', { name: 'rw' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'version'.");
    expectError(await api.post('model-versions/create', { name: 'rw', source: `runs:/${runId}/m`, run_id: runId, tags: [{ key: '', value: 'x' }] }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('deletes a version for good: its number is never reused, its aliases go', async () => {
    await api.post('registered-models/create', { name: 'del' });
    await create('del');
    await create('del');
    await api.post('registered-models/alias', { name: 'del', alias: 'best', version: '2' });
    expect(expectOk(await api.delete('model-versions/delete', { name: 'del', version: '2' }))).toEqual({});
    expectError(await api.get('model-versions/get', { name: 'del', version: '2' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.delete('model-versions/delete', { name: 'del', version: '2' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.get('registered-models/alias', { name: 'del', alias: 'best' }), 400, 'INVALID_PARAMETER_VALUE', 'Registered model alias best not found.');
    const rm = expectOk(await api.get('registered-models/get', { name: 'del' })).registered_model as Json;
    expect(rm.aliases).toBeUndefined();
    expect((rm.latest_versions as Json[]).map((v) => v.version)).toEqual(['1']);
    expect((await create('del')).version).toBe('3');
    const search = expectOk(await api.get('model-versions/search', { filter: "name = 'del'" })).model_versions as Json[];
    expect(search.map((v) => v.version)).toEqual(['3', '1']);
  });
});

describe('model-versions/transition-stage', () => {
  it('moves between stages (any case in, canonical out) and archives the previous holders', async () => {
    await api.post('registered-models/create', { name: 'stages' });
    for (let i = 0; i < 3; i++) await create('stages');
    const staged = version(expectOk(await api.post('model-versions/transition-stage', { name: 'stages', version: '1', stage: 'staging' })));
    expect(staged.current_stage).toBe('Staging');
    await api.post('model-versions/transition-stage', { name: 'stages', version: '1', stage: 'Production' });
    const second = version(expectOk(await api.post('model-versions/transition-stage', { name: 'stages', version: '2', stage: 'production', archive_existing_versions: true })));
    expect(second.current_stage).toBe('Production');
    expect(version(expectOk(await api.get('model-versions/get', { name: 'stages', version: '1' }))).current_stage).toBe('Archived');
    // Without archiving, two versions share a stage.
    await api.post('model-versions/transition-stage', { name: 'stages', version: '3', stage: 'Production', archive_existing_versions: false });
    expect(version(expectOk(await api.get('model-versions/get', { name: 'stages', version: '2' }))).current_stage).toBe('Production');
  });

  it('refuses unknown stages, archiving into an inactive stage, and missing fields', async () => {
    expectError(
      await api.post('model-versions/transition-stage', { name: 'stages', version: '1', stage: 'bogus' }),
      400,
      'INVALID_PARAMETER_VALUE',
      'Invalid Model Version stage: bogus. Value must be one of None, Staging, Production, Archived.',
    );
    expectError(
      await api.post('model-versions/transition-stage', { name: 'stages', version: '1', stage: 'None', archive_existing_versions: true }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Model version transition cannot archive existing model versions because 'None' is not an Active stage. Valid stages are ['Staging', 'Production']",
    );
    expectError(await api.post('model-versions/transition-stage', { name: 'stages', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'stage'.");
    expectError(await api.post('model-versions/transition-stage', { name: 'stages', version: '7', stage: 'Staging' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('model-versions/get-download-uri', () => {
  it('resolves runs:/ sources to the run’s artifact location, others as stored', async () => {
    await api.post('registered-models/create', { name: 'dl' });
    await create('dl');
    await api.post('model-versions/create', { name: 'dl', source: 's3://bucket/ae' });
    expect(expectOk(await api.get('model-versions/get-download-uri', { name: 'dl', version: '1' }))).toEqual({ artifact_uri: `mlflow-artifacts:/0/${runId}/artifacts/model` });
    expect(expectOk(await api.get('model-versions/get-download-uri', { name: 'dl', version: '2' }))).toEqual({ artifact_uri: 's3://bucket/ae' });
    expectError(await api.get('model-versions/get-download-uri', { name: 'dl', version: '5' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.get('model-versions/get-download-uri', { name: 'dl' }), 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got ''.");
  });
});

describe('model-versions/set-tag and delete-tag', () => {
  it('sets, overwrites and deletes version tags', async () => {
    await api.post('registered-models/create', { name: 'vtags' });
    await create('vtags');
    expectOk(await api.post('model-versions/set-tag', { name: 'vtags', version: '1', key: 'k', value: 'a' }));
    expectOk(await api.post('model-versions/set-tag', { name: 'vtags', version: '1', key: 'empty' }));
    expectOk(await api.post('model-versions/set-tag', { name: 'vtags', version: '1', key: 'k', value: 'b' }));
    expect(version(expectOk(await api.get('model-versions/get', { name: 'vtags', version: '1' }))).tags).toEqual([
      { key: 'k', value: 'b' },
      { key: 'empty', value: '' },
    ]);
    expectOk(await api.delete('model-versions/delete-tag', { name: 'vtags', version: '1', key: 'k' }));
    expect(version(expectOk(await api.get('model-versions/get', { name: 'vtags', version: '1' }))).tags).toEqual([{ key: 'empty', value: '' }]);
    expectError(await api.post('model-versions/set-tag', { name: 'vtags', version: 'x', key: 'k', value: 'v' }), 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'x'.");
    expectError(await api.post('model-versions/set-tag', { name: 'vtags', version: '4', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.delete('model-versions/delete-tag', { name: 'vtags', version: '4', key: 'k' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
