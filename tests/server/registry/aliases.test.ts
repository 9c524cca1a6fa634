// Registered model aliases over REST on a real server: set, move, read, delete, and the names
// MLflow reserves, with its messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rest, expectError, expectOk, type Json } from '../../support/rest.ts';
import { startFixture, type Fixture } from './fixture.ts';

let f: Fixture;
let api: Rest;

beforeAll(async () => {
  f = await startFixture();
  api = new Rest(f.url);
  const runId = f.seedRun();
  await api.post('registered-models/create', { name: 'ae' });
  for (let i = 0; i < 3; i++) await api.post('model-versions/create', { name: 'ae', source: `runs:/${runId}/model`, run_id: runId });
});
afterAll(async () => {
  await f?.close();
});

const byAlias = async (alias: string) => (expectOk(await api.get('registered-models/alias', { name: 'ae', alias })).model_version as Json);

describe('registered-models/alias', () => {
  it('sets an alias, moves it, and reports it on the model and the version', async () => {
    expect(expectOk(await api.post('registered-models/alias', { name: 'ae', alias: 'production', version: '1' }))).toEqual({});
    expect(await byAlias('production')).toMatchObject({ version: '1', aliases: ['production'] });
    expectOk(await api.post('registered-models/alias', { name: 'ae', alias: 'production', version: '2' }));
    expectOk(await api.post('registered-models/alias', { name: 'ae', alias: 'candidate-2_b', version: '2' }));
    expect(await byAlias('production')).toMatchObject({ version: '2', aliases: ['production', 'candidate-2_b'] });
    const v1 = expectOk(await api.get('model-versions/get', { name: 'ae', version: '1' })).model_version as Json;
    expect(v1.aliases).toBeUndefined();
    const rm = expectOk(await api.get('registered-models/get', { name: 'ae' })).registered_model as Json;
    expect(rm.aliases).toEqual([
      { alias: 'production', version: '2' },
      { alias: 'candidate-2_b', version: '2' },
    ]);
  });

  it('answers `latest` (any case) with the newest version', async () => {
    expect((await byAlias('latest')).version).toBe('3');
    expect((await byAlias('LaTeSt')).version).toBe('3');
  });

  it('deletes an alias; deleting a missing one is fine', async () => {
    expectOk(await api.post('registered-models/alias', { name: 'ae', alias: 'temp', version: '3' }));
    expect(expectOk(await api.delete('registered-models/alias', { name: 'ae', alias: 'temp' }))).toEqual({});
    expectOk(await api.delete('registered-models/alias', { name: 'ae', alias: 'temp' }));
    expectError(await api.get('registered-models/alias', { name: 'ae', alias: 'temp' }), 400, 'INVALID_PARAMETER_VALUE', 'Registered model alias temp not found.');
  });

  it('refuses reserved, malformed and over-long names with MLflow’s messages', async () => {
    const set = (alias: unknown, version = '1', name = 'ae') => api.post('registered-models/alias', { name, alias, version });
    expectError(await set('latest'), 400, 'INVALID_PARAMETER_VALUE', "'latest' alias name (case insensitive) is reserved.");
    expectError(await set('Latest'), 400, 'INVALID_PARAMETER_VALUE', "'latest' alias name (case insensitive) is reserved.");
    expectError(await set('v1'), 400, 'INVALID_PARAMETER_VALUE', "Version alias name 'v1' is reserved.");
    expectError(await set('V42'), 400, 'INVALID_PARAMETER_VALUE', "Version alias name 'V42' is reserved.");
    expectError(await set('a b'), 400, 'INVALID_PARAMETER_VALUE', "Invalid alias name: 'a b'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
    expectError(await set('x/y'), 400, 'INVALID_PARAMETER_VALUE', "Invalid alias name: 'x/y'.");
    expectError(await set('a'.repeat(256)), 400, 'INVALID_PARAMETER_VALUE', "'Registered model alias name' exceeds the maximum length of 255 characters");
    expectOk(await set('a'.repeat(255)));
    expectError(await set(''), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'alias'.");
    expectError(await set('ok', '9'), 404, 'RESOURCE_DOES_NOT_EXIST', 'Model Version (name=ae, version=9) not found');
    expectError(await set('ok', 'nine'), 400, 'INVALID_PARAMETER_VALUE', "Parameter 'version' must be an integer, got 'nine'.");
    expectError(await set('ok', '1', 'ghost'), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(await api.post('registered-models/alias', { name: 'ae', alias: 'ok' }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'version'.");
    expectError(await api.delete('registered-models/alias', { name: 'ghost', alias: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=ghost not found');
    expectError(await api.get('registered-models/alias', { name: 'ghost', alias: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
