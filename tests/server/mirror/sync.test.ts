// Sync passes against a real `mlflow server`: trainings logged to it (by the official Python client
// and over REST) appear in the mirror with every metric point, compared point for point through
// MLflow's API on both sides; a second pass after new epochs asks only for the new points (the
// pass's request count and the points the remote sent are asserted); registry changes made on the
// remote (alias moves, stage changes, deletions) arrive, alias moves in the promotion history as
// user "remote"; what the remote deleted for good goes from the mirror too.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/servers.ts';
import { Rest, type Json } from '../../support/rest.ts';
import type { Dashboard } from '../dashboard/fixture.ts';
import { python, settled, startMirror, startRemote, syncPass, type Remote } from './remote-mlflow.ts';
import { expectSameStore, logEpochs, logTraining } from './support.ts';

let remote: Remote;
let api: Rest;
let mirror: Dashboard;
let experimentId: string;
let pythonRun: string;
let restRun: string;
let longRun: string;
let points = 0;

/** A training logged by the official client: params, tags, 20 epochs of two metrics in batches, a registered model. */
function pythonTraining(): Promise<{ run_id: string; experiment_id: string; points: number }> {
  return python(
    remote.url,
    [
      'import json, time',
      'from mlflow import MlflowClient',
      'from mlflow.entities import Metric, Param, RunTag',
      'c = MlflowClient()',
      "e = c.create_experiment('mirror-sync', tags={'team': 'atlas'})",
      "r = c.create_run(e, run_name='dense-rgb-pool2')",
      "c.log_batch(r.info.run_id, params=[Param('lr', '0.001'), Param('channels', 'RGB')], tags=[RunTag('pixal.kind', 'training')])",
      't0 = int(time.time() * 1000)',
      "ms = [Metric(k, 1.0 / (1 + s) + (0.1 if k == 'val_loss' else 0), t0 + s, s) for s in range(20) for k in ('loss', 'val_loss')]",
      'c.log_batch(r.info.run_id, metrics=ms)',
      "c.set_terminated(r.info.run_id, 'FINISHED')",
      "c.create_registered_model('flex', tags={'component': 'flex'})",
      'for _ in range(2):',
      "    c.create_model_version('flex', f'runs:/{r.info.run_id}/model', run_id=r.info.run_id)",
      "c.set_registered_model_alias('flex', 'production', '1')",
      "c.set_model_version_tag('flex', '1', 'validated', 'yes')",
      "print(json.dumps({'run_id': r.info.run_id, 'experiment_id': e, 'points': len(ms)}))",
    ].join('\n'),
  );
}

async function lastPass(): Promise<Json> {
  const status = await syncPass(mirror.url);
  expect(status.state).toBe('idle');
  return (status as unknown as { last_pass: Json }).last_pass;
}

async function promotions(): Promise<Json[]> {
  return ((await mirror.get('/api/pixal/promotions', { model: 'flex' })).json as { events: Json[] }).events;
}

beforeAll(async () => {
  remote = await startRemote();
  api = new Rest(remote.url);
  const trained = await pythonTraining();
  pythonRun = trained.run_id;
  points += trained.points;
  experimentId = trained.experiment_id;
  // Over REST: NaN and infinities, two values at one step, a dataset input, a run still running.
  restRun = await logTraining(api, experimentId, {
    name: 'conv-hsv-pool4',
    params: { lr: '0.01', channels: 'HSV' },
    tags: { note: 'rest' },
    keys: ['loss', 'auroc'],
    to: 30,
    value: (key, step) => (key === 'auroc' && step === 7 ? 'NaN' : key === 'auroc' && step === 8 ? 'Infinity' : key === 'loss' && step === 9 ? '-Infinity' : 1 / (1 + step)),
  });
  points += 60;
  await api.logBatch(restRun, { metrics: [{ key: 'loss', value: 0.5, timestamp: Date.now() + 99, step: 3 }] });
  points += 1;
  await api.ok('POST', 'runs/log-inputs', {
    run_id: restRun,
    datasets: [{ dataset: { name: 'flex-train', digest: 'abc123', source_type: 'local', source: '/data/flex' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] }],
  });
  // Histories one bulk answer cannot hold: 3000 steps (more than an unsampled interval answer), and
  // 26,000 values at step 0 (more than get-history-bulk's 25,000: cut, then fetched by get-history).
  longRun = await logTraining(api, experimentId, { name: 'long', keys: ['loss'], to: 3000, finish: true });
  points += 3000;
  const t0 = Date.now();
  const burst = Array.from({ length: 26_000 }, (_, i) => ({ key: 'burst', value: i / 7, timestamp: t0 + i, step: 0 }));
  for (let i = 0; i < burst.length; i += 1000) await api.logBatch(longRun, { metrics: burst.slice(i, i + 1000) });
  points += burst.length + (await logEpochs(api, restRun, ['burst'], 0, 5));
  // A deleted experiment with a run.
  const gone = await api.createExperiment('old-sweep');
  await logTraining(api, gone, { name: 'old', keys: ['loss'], to: 5, finish: true });
  points += 5;
  await api.ok('POST', 'experiments/delete', { experiment_id: gone });

  mirror = await startMirror(remote.url);
  await settled(mirror.url);
}, 240_000);

afterAll(async () => {
  await mirror?.close();
  await remote?.close();
});

describe('a mirror of a real mlflow server', () => {
  it('holds every experiment, run, param, tag, input, metric point and registry entry of the remote after its first pass', async () => {
    const status = (await (await fetch(`${mirror.url}/api/pixal/mirror`)).json()) as { last_pass: Json; state: string; read_only: boolean; url: string };
    expect(status).toMatchObject({ enabled: true, state: 'idle', read_only: false, url: remote.url });
    expect(status.last_pass).toMatchObject({ points_added: points, runs_changed: 4 });
    await expectSameStore(api, mirror.api);
    const run = (expectOkJson(await mirror.api.get('runs/get', { run_id: pythonRun })).run as { data: { params: Json[] } }).data;
    expect(run.params).toEqual(expect.arrayContaining([{ key: 'lr', value: '0.001' }]));
  });

  it('asks only for the new points after new epochs: one bulk request per key, the new points and the last known one', async () => {
    const idle = await lastPass();
    // Nothing changed: experiments, runs, registered models, model versions.
    expect(idle).toMatchObject({ requests: 4, points_received: 0, points_added: 0, runs_changed: 0, models_changed: 0 });

    const added = await logEpochs(api, restRun, ['loss', 'auroc'], 30, 35);
    const pass = await lastPass();
    expect(added).toBe(10);
    // 4 listings + one get-history-bulk-interval per key (loss, auroc) from the last known step.
    expect(pass).toMatchObject({ requests: 6, points_received: 12, points_added: 10, runs_changed: 1 });
    await expectSameStore(api, mirror.api);
  });

  it('follows the registry: alias moves and removals in the promotion history as "remote", stage changes, deleted versions', async () => {
    await api.ok('POST', 'registered-models/alias', { name: 'flex', alias: 'production', version: '2' });
    await api.ok('POST', 'registered-models/alias', { name: 'flex', alias: 'staging', version: '1' });
    await api.ok('POST', 'model-versions/transition-stage', { name: 'flex', version: '2', stage: 'Production', archive_existing_versions: false });
    await api.ok('DELETE', 'model-versions/delete-tag', { name: 'flex', version: '1', key: 'validated' });
    await api.ok('POST', 'model-versions/create', { name: 'flex', source: `runs:/${restRun}/model`, run_id: restRun });
    const pass = await lastPass();
    expect(pass).toMatchObject({ models_changed: 1 });
    await expectSameStore(api, mirror.api);
    const events = (await promotions()).map((e) => [e.kind, e.alias, e.from, e.to, e.user]);
    expect(events.slice(0, 3)).toEqual(
      expect.arrayContaining([
        ['alias_moved', 'production', '1', '2', 'remote'],
        ['alias_set', 'staging', undefined, '1', 'remote'],
        ['stage_transition', undefined, 'None', 'Production', 'remote'],
      ]),
    );

    await api.ok('DELETE', 'registered-models/alias', { name: 'flex', alias: 'staging' });
    await api.ok('DELETE', 'model-versions/delete', { name: 'flex', version: '3' });
    await lastPass();
    await expectSameStore(api, mirror.api);
    expect((await promotions())[0]).toMatchObject({ kind: 'alias_removed', alias: 'staging', from: '1', user: 'remote' });
    const versions = expectOkJson(await mirror.api.get('model-versions/search', { filter: "name='flex'" })).model_versions as Json[];
    expect(versions.map((v) => v.version).sort()).toEqual(['1', '2']);
  });

  it('follows renames, tag removals, deletions and what the remote deleted for good', async () => {
    await api.ok('POST', 'experiments/update', { experiment_id: experimentId, new_name: 'mirror-sync-renamed' });
    await api.ok('POST', 'runs/delete-tag', { run_id: restRun, key: 'note' });
    await api.ok('POST', 'runs/update', { run_id: restRun, run_name: 'conv-hsv-pool4-final', status: 'KILLED', end_time: Date.now() });
    await api.ok('POST', 'runs/delete', { run_id: longRun });
    await api.ok('DELETE', 'registered-models/delete', { name: 'flex' });
    await lastPass();
    await expectSameStore(api, mirror.api);
    expect((await promotions())[0]).toMatchObject({ kind: 'alias_removed', alias: 'production', user: 'remote' });

    // `mlflow gc` removes deleted runs and experiments for good: the mirror drops them too.
    await gc(remote);
    const pass = await lastPass();
    // The deleted experiment goes with its run; the deleted run of the live experiment alone.
    expect(pass).toMatchObject({ experiments_changed: 1, runs_changed: 1 });
    await expectSameStore(api, mirror.api);
    expect((await mirror.api.get('runs/get', { run_id: longRun })).status).toBe(404);
  });
});

function expectOkJson(reply: { status: number; json: Json; text: string }): Json {
  if (reply.status !== 200) throw new Error(`${reply.status}: ${reply.text.slice(0, 300)}`);
  return reply.json;
}

/** `mlflow gc` on the remote's store: deleted runs and experiments removed for good. */
async function gc(r: Remote): Promise<void> {
  // Not execFileSync: the mirror serves from this very process meanwhile.
  const env = { ...process.env, MLFLOW_TRACKING_URI: r.url };
  await promisify(execFile)(join(REPO_ROOT, '.venv/bin/mlflow'), ['gc', '--backend-store-uri', `sqlite:///${join(r.dir, 'mlflow.db')}`], { env });
}
