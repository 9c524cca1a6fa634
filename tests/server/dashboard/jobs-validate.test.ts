// A validation job from start to finish on a real server: a tiny model trained through the server
// by the real CLI, then POST /api/pixal/jobs/validate runs `pixal validate` as a child that logs
// back to this server; progress and the end arrive as job events, and the validation run, its
// metrics and its plots are what GET /api/pixal/validations lists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../server/dashboard/jobs/job.ts';
import type { Validation } from '../../../server/dashboard/validations.ts';
import { pixal, setFlags, TINY_TRAINING_SETS } from '../../trainer/runs/fixture.ts';
import { ok, startDashboard, type Dashboard } from './fixture.ts';
import { openEvents } from './sse-client.ts';

const TRAIN_SETS = [...TINY_TRAINING_SETS, 'model_training.n_epochs=2'];
let root: string;
let d: Dashboard;
let runId: string;
const cache = process.env.PIXAL_MODEL_CACHE;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pixal-job-'));
  // The job's child inherits the server's environment: its model cache goes with this test.
  process.env.PIXAL_MODEL_CACHE = join(root, 'model-cache');
  d = await startDashboard({ jobsDir: root });
  const env = { MLFLOW_TRACKING_URI: d.url };
  const steps: string[][] = [
    ['synth', '-o', 'data', '--train', '8', '--test-good', '1', '--test-defective', '1', '--defects', 'scratch', '--size', '320x180', '--quiet'],
    ['preprocess', '-i', 'data/train/flex', '--quiet', ...setFlags(TRAIN_SETS)],
    ['train', '-i', 'out/flex', '--types', 'front', '--quiet', ...setFlags(TRAIN_SETS)],
  ];
  for (const args of steps) {
    const run = await pixal(args, root, env);
    expect(run.code, `${args[0]}\n${run.stdout}\n${run.stderr}`).toBe(0);
    if (args[0] === 'train') runId = /run ([0-9a-f]{32})/.exec(run.stdout)![1]!;
  }
}, 400_000);

afterAll(async () => {
  await d?.close();
  if (cache === undefined) delete process.env.PIXAL_MODEL_CACHE;
  else process.env.PIXAL_MODEL_CACHE = cache;
  rmSync(root, { recursive: true, force: true });
});

describe('a validation job', () => {
  it('runs pixal validate against this server, with live progress, and lists its validation', { timeout: 400_000 }, async () => {
    const events = await openEvents(`${d.url}/api/pixal/events`);
    try {
      const input = join(root, 'data', 'test', 'flex');
      const created = await d.post('/api/pixal/jobs/validate', { input_dir: input, run_id: runId });
      expect(created.status, created.text).toBe(201);
      const jobId = (created.json as { job: Job }).job.job_id;

      const seen: Job[] = [];
      let last: Job;
      do {
        last = await events.nextEvent<Job>('job', 350_000);
        if (last.job_id === jobId) seen.push(last);
      } while (last.job_id !== jobId || (last.status !== 'FINISHED' && last.status !== 'FAILED'));
      expect(last.error, last.log_tail).toBeNull();
      expect(last.status).toBe('FINISHED');
      expect(seen.some((j) => j.status === 'RUNNING' && j.progress.total > 0 && j.progress.stage !== 'starting'), JSON.stringify(seen.map((j) => j.progress))).toBe(true);
      expect(last.result_run_ids).toHaveLength(1);
      expect(last.log_tail).toMatch(/validation run [0-9a-f]{32}/);
      expect(ok<{ job: Job }>(await d.get(`/api/pixal/jobs/${jobId}`)).job).toEqual(last);

      const [validation] = ok<{ validations: Validation[] }>(await d.get('/api/pixal/validations', { source_run_id: runId })).validations;
      expect(validation).toMatchObject({ run_id: last.result_run_ids[0], status: 'FINISHED', source_run_id: runId, model_uri: `runs:/${runId}/model`, input_dir: input });
      expect(validation!.metrics.images).toBe(2);
      expect(validation!.plots).toEqual(expect.arrayContaining(['plots/roc_images.png', 'plots/score_histogram.png']));
      expect(validation!.plots.filter((p) => p.startsWith('overlays/front/'))).toHaveLength(2);
    } finally {
      events.close();
    }
  });
});
