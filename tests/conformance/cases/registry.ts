// The model registry: registered models, versions, aliases (reserved names, moves, deletion),
// deprecated stages, tags, searches and download URIs, as the real MLflow server answers them.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conformance } from '../../support/conformance.ts';
import { Rest, asMap, expectError, expectOk, uniqueName, type KeyValue } from '../../support/rest.ts';

interface ModelVersionJson {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status: string;
  tags?: KeyValue[];
  aliases?: string[];
}

interface RegisteredModelJson {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions?: ModelVersionJson[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

export function registryCases(ctx: Conformance): void {
  const { target } = ctx;
  let api: Rest;
  let experimentId: string;
  let runId: string;
  beforeAll(async () => {
    api = ctx.api;
    experimentId = await api.createExperiment(uniqueName('registry'));
    runId = (await api.createRun(experimentId)).info.run_id;
  });

  const getModel = async (name: string) => expectOk(await api.get('registered-models/get', { name })).registered_model as RegisteredModelJson;
  const getVersion = async (name: string, version: string) => expectOk(await api.get('model-versions/get', { name, version })).model_version as ModelVersionJson;
  const createVersion = async (name: string, extra: Record<string, unknown> = {}) =>
    expectOk(await api.post('model-versions/create', { name, source: `runs:/${runId}/model`, run_id: runId, ...extra })).model_version as ModelVersionJson;
  /** A registered model with `versions` versions. */
  async function modelWith(versions: number, prefix = 'model'): Promise<string> {
    const name = uniqueName(prefix);
    expectOk(await api.post('registered-models/create', { name }));
    for (let i = 0; i < versions; i++) await createVersion(name);
    return name;
  }

  describe('registered models', () => {
    it('creates, gets, refuses duplicates and missing names', async () => {
      const name = uniqueName('rm');
      const created = expectOk(await api.post('registered-models/create', { name, description: 'flex AE', tags: [{ key: 'team', value: 'atlas' }] })).registered_model as RegisteredModelJson;
      expect(created).toMatchObject({ name, description: 'flex AE', tags: [{ key: 'team', value: 'atlas' }] });
      expect(created.creation_timestamp).toBeGreaterThan(0);
      expect(created.latest_versions).toBeUndefined();
      expect(await getModel(name)).toMatchObject({ name, description: 'flex AE' });
      expectError(await api.post('registered-models/create', { name }), 400, 'RESOURCE_ALREADY_EXISTS');
      expectError(await api.post('registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
      expectError(await api.get('registered-models/get', { name: uniqueName('absent') }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('renames a model, its versions following', async () => {
      const name = await modelWith(1);
      const newName = uniqueName('renamed');
      const r = expectOk(await api.post('registered-models/rename', { name, new_name: newName }));
      expect((r.registered_model as RegisteredModelJson).name).toBe(newName);
      expect((await getVersion(newName, '1')).name).toBe(newName);
      expectError(await api.get('registered-models/get', { name }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('updates the description with PATCH', async () => {
      const name = await modelWith(0);
      const r = expectOk(await api.patch('registered-models/update', { name, description: 'new words' }));
      expect((r.registered_model as RegisteredModelJson).description).toBe('new words');
      expect((await getModel(name)).description).toBe('new words');
    });

    it('deletes a model and its versions with DELETE', async () => {
      const name = await modelWith(2);
      expect(expectOk(await api.delete('registered-models/delete', { name }))).toEqual({});
      expectError(await api.get('registered-models/get', { name }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await api.get('model-versions/get', { name, version: '1' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await api.delete('registered-models/delete', { name }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('sets and deletes model tags', async () => {
      const name = await modelWith(0);
      expect(expectOk(await api.post('registered-models/set-tag', { name, key: 'owner', value: 'ann' }))).toEqual({});
      expectOk(await api.post('registered-models/set-tag', { name, key: 'drop', value: 'x' }));
      expect(expectOk(await api.delete('registered-models/delete-tag', { name, key: 'drop' }))).toEqual({});
      expect(asMap((await getModel(name)).tags)).toEqual({ owner: 'ann' });
      expectError(await api.post('registered-models/set-tag', { name: uniqueName('absent'), key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('model versions', () => {
    it('numbers versions 1, 2, 3 as strings, READY, stage None, never reusing a number', async () => {
      const name = uniqueName('mv');
      expectOk(await api.post('registered-models/create', { name }));
      const v1 = await createVersion(name);
      expect(v1).toMatchObject({ name, version: '1', current_stage: 'None', status: 'READY', source: `runs:/${runId}/model`, run_id: runId });
      const v2 = await createVersion(name, { description: 'second', tags: [{ key: 'k', value: 'v' }] });
      expect(v2).toMatchObject({ version: '2', description: 'second', tags: [{ key: 'k', value: 'v' }] });
      expect(expectOk(await api.delete('model-versions/delete', { name, version: '2' }))).toEqual({});
      expect((await createVersion(name)).version).toBe('3');
      expect(await getVersion(name, '1')).toMatchObject({ version: '1', source: `runs:/${runId}/model` });
      expectError(await api.get('model-versions/get', { name, version: '2' }), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(await api.get('model-versions/get', { name, version: '99' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('lists the latest version per stage on the registered model', async () => {
      const name = await modelWith(2);
      const model = await getModel(name);
      expect(model.latest_versions?.map((v) => [v.version, v.current_stage])).toEqual([['2', 'None']]);
    });

    it('refuses a version without source or for an unknown model', async () => {
      const name = await modelWith(0);
      expectError(await api.post('model-versions/create', { name }), 400, 'INVALID_PARAMETER_VALUE', "Missing value for required parameter 'source'.");
      expectError(await api.post('model-versions/create', { name: uniqueName('absent'), source: `runs:/${runId}/model`, run_id: runId }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('updates a version description with PATCH and sets/deletes version tags', async () => {
      const name = await modelWith(1);
      const r = expectOk(await api.patch('model-versions/update', { name, version: '1', description: 'best so far' }));
      expect((r.model_version as ModelVersionJson).description).toBe('best so far');
      expect(expectOk(await api.post('model-versions/set-tag', { name, version: '1', key: 'validated', value: 'yes' }))).toEqual({});
      expectOk(await api.post('model-versions/set-tag', { name, version: '1', key: 'drop', value: 'x' }));
      expect(expectOk(await api.delete('model-versions/delete-tag', { name, version: '1', key: 'drop' }))).toEqual({});
      expect(asMap((await getVersion(name, '1')).tags)).toEqual({ validated: 'yes' });
      expectError(await api.post('model-versions/set-tag', { name, version: '9', key: 'k', value: 'v' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('gives the download URI of a version', async () => {
      const name = await modelWith(0);
      await createVersion(name);
      await createVersion(name, { source: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model` });
      const runsSource = expectOk(await api.get('model-versions/get-download-uri', { name, version: '1' }));
      if (target === 'mlflow') expect(runsSource).toEqual({ artifact_uri: `runs:/${runId}/model` });
      // Deliberate deviation: ours resolves a runs:/ source to the run's artifact location, which the
      // client downloads from directly (MLflow hands the runs:/ URI back for the client to resolve).
      else expect(runsSource).toEqual({ artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model` });
      expect(expectOk(await api.get('model-versions/get-download-uri', { name, version: '2' }))).toEqual({ artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model` });
      expectError(await api.get('model-versions/get-download-uri', { name, version: '3' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });
  });

  describe('aliases', () => {
    it('sets, reads, moves and deletes an alias', async () => {
      const name = await modelWith(3);
      expect(expectOk(await api.post('registered-models/alias', { name, alias: 'production', version: '1' }))).toEqual({});
      const got = expectOk(await api.get('registered-models/alias', { name, alias: 'production' })).model_version as ModelVersionJson;
      expect(got).toMatchObject({ name, version: '1', aliases: ['production'] });
      expect((await getVersion(name, '1')).aliases).toEqual(['production']);
      expectOk(await api.post('registered-models/alias', { name, alias: 'production', version: '3' }));
      expectOk(await api.post('registered-models/alias', { name, alias: 'canary', version: '3' }));
      expect((await getVersion(name, '1')).aliases).toBeUndefined();
      expect((await getVersion(name, '3')).aliases?.sort()).toEqual(['canary', 'production']);
      expect((await getModel(name)).aliases?.sort((a, b) => a.alias.localeCompare(b.alias))).toEqual([
        { alias: 'canary', version: '3' },
        { alias: 'production', version: '3' },
      ]);
      expect(expectOk(await api.delete('registered-models/alias', { name, alias: 'canary' }))).toEqual({});
      expect((await getModel(name)).aliases).toEqual([{ alias: 'production', version: '3' }]);
      // MLflow answers an unknown alias with 400, not 404.
      expectError(await api.get('registered-models/alias', { name, alias: 'canary' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('refuses reserved and malformed alias names, and unknown versions', async () => {
      const name = await modelWith(1);
      for (const alias of ['latest', 'LATEST', 'v1', 'V42', 'bad alias!', 'a'.repeat(256)]) {
        expectError(await api.post('registered-models/alias', { name, alias, version: '1' }), 400, 'INVALID_PARAMETER_VALUE');
      }
      expectOk(await api.post('registered-models/alias', { name, alias: 'v1-candidate', version: '1' }));
      expectError(await api.post('registered-models/alias', { name, alias: 'champ', version: '9' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('drops the aliases of a deleted version', async () => {
      const name = await modelWith(2);
      expectOk(await api.post('registered-models/alias', { name, alias: 'champion', version: '2' }));
      expectOk(await api.post('registered-models/alias', { name, alias: 'stable', version: '1' }));
      expectOk(await api.delete('model-versions/delete', { name, version: '2' }));
      expect((await getModel(name)).aliases).toEqual([{ alias: 'stable', version: '1' }]);
      expectError(await api.get('registered-models/alias', { name, alias: 'champion' }), 400, 'INVALID_PARAMETER_VALUE');
    });
  });

  describe('stages (deprecated, still served)', () => {
    it('transitions stages, canonicalizes case, archives others on request', async () => {
      const name = await modelWith(3);
      const t = async (version: string, stage: string, archive: boolean) =>
        expectOk(await api.post('model-versions/transition-stage', { name, version, stage, archive_existing_versions: archive })).model_version as ModelVersionJson;
      expect((await t('1', 'Production', false)).current_stage).toBe('Production');
      expect((await t('2', 'production', true)).current_stage).toBe('Production');
      expect((await getVersion(name, '1')).current_stage).toBe('Archived');
      expect((await t('3', 'Staging', false)).current_stage).toBe('Staging');
      expectError(await api.post('model-versions/transition-stage', { name, version: '3', stage: 'bogus', archive_existing_versions: false }), 400, 'INVALID_PARAMETER_VALUE');
      const latest = expectOk(await api.post('registered-models/get-latest-versions', { name })).model_versions as ModelVersionJson[];
      expect(latest.map((v) => [v.version, v.current_stage])).toEqual([
        ['1', 'Archived'],
        ['2', 'Production'],
        ['3', 'Staging'],
      ]);
      const production = expectOk(await api.post('registered-models/get-latest-versions', { name, stages: ['Production'] })).model_versions as ModelVersionJson[];
      expect(production.map((v) => v.version)).toEqual(['2']);
      const viaGet = expectOk(await api.get('registered-models/get-latest-versions', { name, stages: 'Staging' })).model_versions as ModelVersionJson[];
      expect(viaGet.map((v) => v.version)).toEqual(['3']);
      expect(expectOk(await api.post('registered-models/get-latest-versions', { name, stages: ['None'] }))).toEqual({});
    });
  });

  describe('search', () => {
    async function group(): Promise<{ prefix: string; runA: string; runB: string }> {
      const prefix = uniqueName('srch');
      const runA = runId;
      const runB = (await api.createRun(experimentId)).info.run_id;
      for (const s of ['c', 'a', 'b']) {
        expectOk(await api.post('registered-models/create', { name: `${prefix}-${s}`, tags: [{ key: 'kind', value: s === 'b' ? 'odd' : 'even' }] }));
        await createVersion(`${prefix}-${s}`);
      }
      await createVersion(`${prefix}-a`, { source: `runs:/${runB}/model`, run_id: runB, tags: [{ key: 'q', value: '1' }] });
      return { prefix, runA, runB };
    }
    const modelNames = async (query: Record<string, unknown>) => {
      const r = expectOk(await api.get('registered-models/search', query as never));
      return { names: ((r.registered_models as RegisteredModelJson[] | undefined) ?? []).map((m) => m.name), token: r.next_page_token as string | undefined };
    };
    const versions = async (query: Record<string, unknown>) => {
      const r = expectOk(await api.get('model-versions/search', query as never));
      return { list: ((r.model_versions as ModelVersionJson[] | undefined) ?? []).map((v) => `${v.name.slice(-1)}${v.version}`), token: r.next_page_token as string | undefined };
    };

    it('searches registered models by name and tags, ordered by name, paged', async () => {
      const { prefix } = await group();
      const like = `name LIKE '${prefix}-%'`;
      expect((await modelNames({ filter: like })).names).toEqual(['a', 'b', 'c'].map((s) => `${prefix}-${s}`));
      expect((await modelNames({ filter: like, order_by: 'name DESC' })).names).toEqual(['c', 'b', 'a'].map((s) => `${prefix}-${s}`));
      expect((await modelNames({ filter: `name = '${prefix}-a'` })).names).toEqual([`${prefix}-a`]);
      expect((await modelNames({ filter: `name ILIKE '${prefix.toUpperCase()}-B'` })).names).toEqual([`${prefix}-b`]);
      expect((await modelNames({ filter: `${like} AND tags.kind = 'odd'` })).names).toEqual([`${prefix}-b`]);
      const first = await modelNames({ filter: like, max_results: 2 });
      expect(first.names).toEqual([`${prefix}-a`, `${prefix}-b`]);
      expect(typeof first.token).toBe('string');
      const second = await modelNames({ filter: like, max_results: 2, page_token: first.token });
      expect(second).toEqual({ names: [`${prefix}-c`], token: undefined });
      expect(expectOk(await api.get('registered-models/search', { filter: `name = '${prefix}-none'` }))).toEqual({});
    });

    it('rejects bad registered-model searches', async () => {
      expectError(await api.get('registered-models/search', { max_results: 1001 }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await api.get('registered-models/search', { filter: 'bogus = 1' }), 400, 'INVALID_PARAMETER_VALUE');
      expectError(await api.get('registered-models/search', { order_by: 'bogus' }), 400, 'INVALID_PARAMETER_VALUE');
    });

    it('searches model versions by name, run_id and tags', async () => {
      const { prefix, runB } = await group();
      expect((await versions({ filter: `name = '${prefix}-a'`, order_by: 'version_number DESC' })).list).toEqual(['a2', 'a1']);
      expect((await versions({ filter: `run_id = '${runB}'` })).list).toEqual(['a2']);
      expect((await versions({ filter: `name LIKE '${prefix}-%' AND tags.q = '1'` })).list).toEqual(['a2']);
      expect((await versions({ filter: `name LIKE '${prefix}-%'`, order_by: ['name ASC', 'version_number DESC'] })).list).toEqual(['a2', 'a1', 'b1', 'c1']);
      const first = await versions({ filter: `name LIKE '${prefix}-%'`, order_by: ['name ASC', 'version_number DESC'], max_results: 3 });
      expect(first.list).toEqual(['a2', 'a1', 'b1']);
      const second = await versions({ filter: `name LIKE '${prefix}-%'`, order_by: ['name ASC', 'version_number DESC'], max_results: 3, page_token: first.token });
      expect(second).toEqual({ list: ['c1'], token: undefined });
      expectError(await api.get('model-versions/search', { filter: 'bogus = 1' }), 400, 'INVALID_PARAMETER_VALUE');
    });
  });
}
