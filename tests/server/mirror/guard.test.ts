// The read-only guard of a mirror: every MLflow write other than the write-through promotions is
// refused with 403 naming the remote, reads (GET and MLflow's POST searches) still answer, and the
// official Python client shows the refusal to a user who points a trainer at the mirror. The remote
// here is a port nobody listens on: the guard never asks it anything, and the promotions that pass
// the guard answer 503 because it is away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectOk, type Json } from '../../support/rest.ts';
import { freePort } from '../../support/servers.ts';
import { startDashboard, type Dashboard } from '../dashboard/fixture.ts';
import { python } from './remote-mlflow.ts';

let mirror: Dashboard;
let plain: Dashboard;
let remoteUrl: string;

beforeAll(async () => {
  remoteUrl = `http://127.0.0.1:${await freePort()}`;
  mirror = await startDashboard({ mirror: { url: remoteUrl, intervalSeconds: 0 } });
  plain = await startDashboard();
});
afterAll(async () => {
  await mirror?.close();
  await plain?.close();
});

const READ_ONLY = () => `this server mirrors ${remoteUrl} read-only: log to the remote (MLFLOW_TRACKING_URI=${remoteUrl})`;

/** [method, endpoint, body]: every MLflow write our server offers, except the promotions. */
const WRITES: ['POST' | 'PATCH' | 'DELETE', string, Json][] = [
  ['POST', 'experiments/create', { name: 'e' }],
  ['POST', 'experiments/update', { experiment_id: '0', new_name: 'x' }],
  ['POST', 'experiments/delete', { experiment_id: '0' }],
  ['POST', 'experiments/restore', { experiment_id: '0' }],
  ['POST', 'experiments/set-experiment-tag', { experiment_id: '0', key: 'k', value: 'v' }],
  ['POST', 'experiments/delete-experiment-tag', { experiment_id: '0', key: 'k' }],
  ['POST', 'runs/create', { experiment_id: '0' }],
  ['POST', 'runs/update', { run_id: 'r', status: 'FINISHED' }],
  ['POST', 'runs/delete', { run_id: 'r' }],
  ['POST', 'runs/restore', { run_id: 'r' }],
  ['POST', 'runs/set-tag', { run_id: 'r', key: 'k', value: 'v' }],
  ['POST', 'runs/delete-tag', { run_id: 'r', key: 'k' }],
  ['POST', 'runs/log-parameter', { run_id: 'r', key: 'k', value: 'v' }],
  ['POST', 'runs/log-metric', { run_id: 'r', key: 'k', value: 1, timestamp: 1, step: 0 }],
  ['POST', 'runs/log-batch', { run_id: 'r', metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }] }],
  ['POST', 'runs/log-inputs', { run_id: 'r' }],
  ['POST', 'registered-models/create', { name: 'm' }],
  ['POST', 'registered-models/rename', { name: 'm', new_name: 'n' }],
  ['PATCH', 'registered-models/update', { name: 'm', description: 'd' }],
  ['DELETE', 'registered-models/delete', { name: 'm' }],
  ['POST', 'registered-models/set-tag', { name: 'm', key: 'k', value: 'v' }],
  ['DELETE', 'registered-models/delete-tag', { name: 'm', key: 'k' }],
  ['POST', 'model-versions/create', { name: 'm', source: 's' }],
  ['PATCH', 'model-versions/update', { name: 'm', version: '1' }],
  ['DELETE', 'model-versions/delete', { name: 'm', version: '1' }],
  ['POST', 'model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' }],
  ['DELETE', 'model-versions/delete-tag', { name: 'm', version: '1', key: 'k' }],
];

describe('mirror read-only guard', () => {
  it('answers 403 PERMISSION_DENIED naming the remote for every MLflow write, under both prefixes', async () => {
    for (const [method, endpoint, body] of WRITES)
      for (const api of [mirror.api, mirror.api.withPrefix('/ajax-api/2.0/mlflow')]) expectError(await api.call(method, endpoint, body), 403, 'PERMISSION_DENIED', READ_ONLY());
    // Artifact uploads and deletions through the proxy, too.
    const put = await mirror.api.raw('PUT', '/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt', { body: 'x' });
    expectError(put, 403, 'PERMISSION_DENIED', READ_ONLY());
    expectError(await mirror.api.raw('DELETE', '/ajax-api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/a.txt'), 403, 'PERMISSION_DENIED', READ_ONLY());
  });

  it('lets reads through, GET and the searches MLflow takes as POST', async () => {
    expectOk(await mirror.api.get('experiments/get', { experiment_id: '0' }));
    expectOk(await mirror.api.post('experiments/search', { max_results: 10 }));
    expectOk(await mirror.api.post('runs/search', { experiment_ids: ['0'] }));
    expectOk(await mirror.api.get('registered-models/search'));
    expectOk(await mirror.post('/api/pixal/runs/table', { experiment_ids: ['0'] }));
  });

  it('passes the promotions on to the remote, which is away here: 503, nothing changed', async () => {
    const unreachable = `remote MLflow at ${remoteUrl} is unreachable; the mirror is read-only until it is back`;
    expectError(await mirror.api.post('registered-models/alias', { name: 'm', alias: 'production', version: '1' }), 503, 'TEMPORARILY_UNAVAILABLE', unreachable);
    expectError(await mirror.api.delete('registered-models/alias', { name: 'm', alias: 'production' }), 503, 'TEMPORARILY_UNAVAILABLE', unreachable);
    expectError(await mirror.api.post('model-versions/transition-stage', { name: 'm', version: '1', stage: 'Production' }), 503, 'TEMPORARILY_UNAVAILABLE', unreachable);
  });

  it('shows the refusal through the official Python client', async () => {
    const script = [
      'import json',
      'from mlflow import MlflowClient',
      'from mlflow.exceptions import MlflowException',
      'try:',
      "    MlflowClient().create_experiment('from-python')",
      'except MlflowException as e:',
      "    print(json.dumps({'code': e.error_code, 'message': e.message}))",
    ].join('\n');
    expect(await python(mirror.url, script)).toEqual({ code: 'PERMISSION_DENIED', message: `PERMISSION_DENIED: ${READ_ONLY()}` });
  });

  it('is off without --mirror: the same write succeeds on a plain server', async () => {
    const created = expectOk(await plain.api.post('experiments/create', { name: 'plain' }));
    const run = expectOk(await plain.api.post('runs/create', { experiment_id: created.experiment_id })).run as { info: { run_id: string } };
    expectOk(await plain.api.post('runs/log-batch', { run_id: run.info.run_id, metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }] }));
  });
});
