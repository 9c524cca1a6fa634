// Promotions written through a mirror to a real `mlflow server`: the remote registry changes first
// (seen by the official Python client), the mirror follows with its promotion event; the remote's
// refusals come back unchanged; with the remote stopped a promotion is 503 and changes nothing while
// reads go on from the mirror; once the remote is back (same port and store) promotions work again.
// A validation job launched from the mirror logs to the remote, and none starts while it is away.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../server/dashboard/jobs/job.ts';
import { expectError, expectOk, Rest, type Json } from '../../support/rest.ts';
import type { Dashboard } from '../dashboard/fixture.ts';
import { mirrorStatus, python, settled, startCaughtUpMirror, startRemote, syncPass, waitFor, type Remote } from './remote-mlflow.ts';

let remote: Remote;
let mirror: Dashboard;
let runId: string;
let experimentId: string;

/** What the official client, talking to the remote itself, says the alias points at (null: no such alias). */
async function remoteAlias(name: string, alias: string): Promise<string | null> {
  const answer = await python<{ version: string | null }>(
    remote.url,
    [
      'import json',
      'from mlflow import MlflowClient',
      'from mlflow.exceptions import MlflowException',
      'try:',
      `    v = MlflowClient().get_model_version_by_alias(${JSON.stringify(name)}, ${JSON.stringify(alias)}).version`,
      'except MlflowException:',
      '    v = None',
      "print(json.dumps({'version': v}))",
    ].join('\n'),
  );
  return answer.version;
}

const ALICE = { 'X-Pixal-User': 'alice', 'Content-Type': 'application/json' };

function setAlias(d: Dashboard, body: Json) {
  return d.api.raw('POST', '/api/2.0/mlflow/registered-models/alias', { body: JSON.stringify(body), headers: ALICE });
}

async function promotions(d: Dashboard): Promise<{ kind: string; alias?: string; version: string; user: string; from?: string; to?: string }[]> {
  return ((await d.get('/api/pixal/promotions', { model: 'flex' })).json as { events: never[] }).events;
}

beforeAll(async () => {
  remote = await startRemote();
  const api = new Rest(remote.url);
  experimentId = await api.createExperiment('mirror-writes');
  runId = (await api.createRun(experimentId)).info.run_id;
  await api.ok('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
  await api.ok('POST', 'registered-models/create', { name: 'flex' });
  for (let i = 0; i < 2; i++) await api.ok('POST', 'model-versions/create', { name: 'flex', source: `runs:/${runId}/model`, run_id: runId });
  mirror = await startCaughtUpMirror(remote.url);
}, 240_000);
afterAll(async () => {
  await mirror?.close();
  await remote?.close();
});

describe('promotions through a mirror', () => {
  it('sets the alias on the remote first, visible through the official Python client, then in the mirror with our user', async () => {
    expect(await remoteAlias('flex', 'production')).toBeNull();
    expectOk(await setAlias(mirror, { name: 'flex', alias: 'production', version: '1' }));
    expect(await remoteAlias('flex', 'production')).toBe('1');
    expect((expectOk(await mirror.api.get('registered-models/alias', { name: 'flex', alias: 'production' })).model_version as Json).version).toBe('1');
    expect((await promotions(mirror))[0]).toMatchObject({ kind: 'alias_set', alias: 'production', version: '1', user: 'alice' });

    // Moved, then a sync pass: the mirror already matches, so the pass records no second event.
    expectOk(await setAlias(mirror, { name: 'flex', alias: 'production', version: '2' }));
    expect(await remoteAlias('flex', 'production')).toBe('2');
    await syncPass(mirror.url);
    const events = await promotions(mirror);
    expect(events.map((e) => [e.kind, e.from, e.to, e.user])).toEqual([
      ['alias_moved', '1', '2', 'alice'],
      ['alias_set', undefined, '1', 'alice'],
    ]);
  });

  it('removes an alias and transitions a stage on the remote first', async () => {
    expectOk(await setAlias(mirror, { name: 'flex', alias: 'staging', version: '1' }));
    expectOk(await mirror.api.delete('registered-models/alias', { name: 'flex', alias: 'staging' }));
    expect(await remoteAlias('flex', 'staging')).toBeNull();
    expectError(await mirror.api.get('registered-models/alias', { name: 'flex', alias: 'staging' }), 400, 'INVALID_PARAMETER_VALUE');

    const moved = expectOk(await mirror.api.post('model-versions/transition-stage', { name: 'flex', version: '1', stage: 'Staging' }));
    expect((moved.model_version as Json).current_stage).toBe('Staging');
    const onRemote = expectOk(await new Rest(remote.url).get('model-versions/get', { name: 'flex', version: '1' }));
    expect((onRemote.model_version as Json).current_stage).toBe('Staging');
  });

  it("passes the remote's refusals through unchanged and changes nothing", async () => {
    const before = await promotions(mirror);
    const direct = await new Rest(remote.url).post('registered-models/alias', { name: 'flex', alias: 'production', version: '9' });
    const through = await setAlias(mirror, { name: 'flex', alias: 'production', version: '9' });
    expectError(through, direct.status, direct.json.error_code as string, direct.json.message as string);
    expect(through.json.message).toBe('Model Version (name=flex, version=9) not found');
    expectError(await setAlias(mirror, { name: 'flex', alias: 'latest', version: '1' }), 400, 'INVALID_PARAMETER_VALUE', /reserved/);
    expect(await promotions(mirror)).toEqual(before);
    expect(await remoteAlias('flex', 'production')).toBe('2');
  });
});

describe('validation jobs of a mirror', () => {
  it('run with the remote as their tracking URI, and a sync pass follows when they end', { timeout: 180_000 }, async () => {
    // An alias only the child asks the remote about (no test here reads it), so the remote's request log shows the child's lookup.
    expectOk(await setAlias(mirror, { name: 'flex', alias: 'candidate', version: '1' }));
    const images = join(mirror.dir, 'images', 'flex');
    mkdirSync(join(images, 'front'), { recursive: true });
    const created = await mirror.post('/api/pixal/jobs/validate', { input_dir: images, model_uri: 'models:/flex@candidate' });
    expect(created.status, created.text).toBe(201);
    const jobId = (created.json as { job: Job }).job.job_id;
    const job = await waitFor(
      'the job to end',
      async () => {
        const j = ((await mirror.get(`/api/pixal/jobs/${jobId}`)).json as { job: Job }).job;
        return j.status === 'FINISHED' || j.status === 'FAILED' ? j : undefined;
      },
      150_000,
    );
    // The run has no model files: the child fails, after resolving the alias on the remote.
    expect(job.status).toBe('FAILED');
    expect(remote.output()).toMatch(/GET \S*\/registered-models\/alias\?name=flex&alias=candidate /);
    await waitFor('the sync pass after the job', async () => ((await mirrorStatus(mirror.url)).last_attempt ?? 0) >= job.updated_time);
  });
});

describe('a mirror whose remote is away', () => {
  it('answers 503 to a promotion and changes nothing; reads go on; the status says read_only', async () => {
    await settled(mirror.url);
    const before = await promotions(mirror);
    await remote.stop();

    const refused = await setAlias(mirror, { name: 'flex', alias: 'production', version: '1' });
    expectError(refused, 503, 'TEMPORARILY_UNAVAILABLE', `remote MLflow at ${remote.url} is unreachable; the mirror is read-only until it is back`);
    expect((expectOk(await mirror.api.get('registered-models/alias', { name: 'flex', alias: 'production' })).model_version as Json).version).toBe('2');
    expect(await promotions(mirror)).toEqual(before);

    // Reads are the mirror's: runs, search, registry, the dashboard's table.
    expect(((expectOk(await mirror.api.get('runs/get', { run_id: runId })).run as Json).info as Json).status).toBe('FINISHED');
    expect((expectOk(await mirror.api.post('runs/search', { experiment_ids: [experimentId] })).runs as Json[]).length).toBe(1);
    expect((expectOk(await mirror.api.get('registered-models/get', { name: 'flex' })).registered_model as Json).name).toBe('flex');

    const status = await mirrorStatus(mirror.url);
    expect(status).toMatchObject({ enabled: true, url: remote.url, read_only: true, state: 'unreachable' });
    const launch = await mirror.post('/api/pixal/jobs/validate', { input_dir: mirror.dir, run_id: runId });
    expectError(launch, 503, 'TEMPORARILY_UNAVAILABLE', `remote MLflow at ${remote.url} is unreachable`);
    expect(status.last_success).toBeGreaterThan(0);

    // A sync pass while it is away fails, keeps every mirrored row and stays read-only.
    const after = await syncPass(mirror.url);
    expect(after).toMatchObject({ read_only: true, state: 'unreachable' });
    expect(after.last_error).toBeTruthy();
    expectOk(await mirror.api.get('runs/get', { run_id: runId }));
  });

  it('resumes once the remote is back on the same port and store: promotions are written through again', async () => {
    await remote.start();
    await syncPass(mirror.url);
    await waitFor('the mirror to leave read-only', async () => !(await mirrorStatus(mirror.url)).read_only);
    expectOk(await setAlias(mirror, { name: 'flex', alias: 'production', version: '1' }));
    expect(await remoteAlias('flex', 'production')).toBe('1');
    expect((await promotions(mirror))[0]).toMatchObject({ kind: 'alias_moved', from: '2', to: '1', user: 'alice' });
  });
});
