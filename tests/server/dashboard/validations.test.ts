// GET /api/pixal/validations on a real server: runs tagged as validations (as `pixal validate`
// tags them), newest first, by source run or registered model, with metrics and PNG artifacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Validation } from '../../../server/dashboard/validations.ts';
import { ARTIFACTS } from '../../support/rest.ts';
import { ok, startDashboard, type Dashboard } from './fixture.ts';

let d: Dashboard;
let experimentId: string;
let sourceA: string;
let sourceB: string;
const made: string[] = [];

async function upload(runId: string, path: string): Promise<void> {
  const reply = await d.api.raw('PUT', `${ARTIFACTS}/${experimentId}/${runId}/artifacts/${path}`, { body: Buffer.from('png bytes') });
  expect(reply.status).toBe(200);
}

async function validation(source: string, startTime: number, metrics: Record<string, number | string>): Promise<string> {
  const run = await d.api.createRun(experimentId, {
    run_name: `validate-${startTime}`,
    start_time: startTime,
    tags: [
      { key: 'pixal.kind', value: 'validation' },
      { key: 'pixal.source_run_id', value: source },
      { key: 'pixal.model_uri', value: `runs:/${source}/model` },
      { key: 'pixal.dataset_digest', value: `digest${startTime}` },
    ],
  });
  const runId = run.info.run_id as string;
  await d.api.logBatch(runId, {
    params: [{ key: 'input', value: '/data/flex' }],
    metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: startTime, step: 0 })),
  });
  made.push(runId);
  return runId;
}

beforeAll(async () => {
  d = await startDashboard();
  experimentId = await d.api.createExperiment('validations');
  sourceA = (await d.api.createRun(experimentId, { tags: [{ key: 'pixal.kind', value: 'training' }] })).info.run_id as string;
  sourceB = (await d.api.createRun(experimentId)).info.run_id as string;
  const first = await validation(sourceA, 1_000, { image_auroc: 0.9, pixel_auroc: 'NaN' });
  await upload(first, 'plots/roc_images.png');
  await upload(first, 'overlays/front/img1.png');
  await upload(first, 'plots/pr_images.png');
  await upload(first, 'scores.csv');
  await validation(sourceA, 3_000, { image_auroc: 0.95 });
  await validation(sourceB, 2_000, { image_auroc: 0.7 });
  const deleted = await validation(sourceB, 4_000, {});
  await d.api.ok('POST', 'runs/delete', { run_id: deleted });
  await d.api.ok('POST', 'registered-models/create', { name: 'flex' });
  await d.api.ok('POST', 'model-versions/create', { name: 'flex', source: `runs:/${sourceB}/model`, run_id: sourceB });
});
afterAll(async () => d?.close());

const list = async (query: Record<string, string | number> = {}) => ok<{ validations: Validation[] }>(await d.get('/api/pixal/validations', query)).validations;

describe('validations', () => {
  it('lists validation runs newest first, with their tags, input, metrics and PNGs', async () => {
    const all = await list();
    expect(all.map((v) => v.start_time)).toEqual([3_000, 2_000, 1_000]);
    expect(all[2]).toEqual({
      run_id: made[0],
      run_name: 'validate-1000',
      start_time: 1_000,
      status: 'RUNNING',
      source_run_id: sourceA,
      model_uri: `runs:/${sourceA}/model`,
      dataset_digest: 'digest1000',
      input_dir: '/data/flex',
      metrics: { image_auroc: 0.9, pixel_auroc: 'NaN' },
      plots: ['plots/pr_images.png', 'plots/roc_images.png', 'overlays/front/img1.png'],
    });
    expect(all[0]!.plots).toEqual([]);
  });

  it('narrows to a source run, to a registered model, and to a limit', async () => {
    expect((await list({ source_run_id: sourceA })).map((v) => v.start_time)).toEqual([3_000, 1_000]);
    expect((await list({ model: 'flex' })).map((v) => v.source_run_id)).toEqual([sourceB]);
    expect(await list({ model: 'unknown' })).toEqual([]);
    expect((await list({ limit: 1 })).map((v) => v.start_time)).toEqual([3_000]);
    const bad = await d.get('/api/pixal/validations', { limit: 'many' });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/'limit'/);
  });
});
