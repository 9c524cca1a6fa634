// `pixal sweep` as a user runs it, with MLFLOW_TRACKING_URI unset (so it logs into ./mlruns through an embedded
// server): a grid over channels and pool size becomes child runs under one parent run, preprocessing is done once
// per preprocessing config and reused by the next sweep, and a bad grid value stops everything before any work.
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';
import { runPixal } from '../pipeline/component-fixture.ts';

const cwd = mkdtempSync(join(tmpdir(), 'pixal-sweep-'));
// Alignment on: each preprocessing variant aligns, on the one worker pool the sweep shares (OpenCV allows one thread).
// PIXAL's two channels and dense model (not the defaults): the assertions below name them.
const common = [
  ...['--set', 'preprocessing.preprocessor.channels=[LAB_a, LAB_b]', '--set', 'preprocessing.preprocessor.weights=[3, 3]', '--set', 'model_training.model_kind=dense'],
  ...['--set', 'preprocessing.alignment.apply_alignment=true', '--set', 'model_training.n_epochs=2', '--set', 'model_training.autoencoder_architecture=[16,4]', '--set', 'model_training.batchsize=4', '--quiet'],
];
const grid = ['--grid', 'preprocessing.preprocessor.channels=RGB,LAB_ab', '--grid', 'preprocessing.preprocessor.pool_size=8'];

let server: { url: string; close(): Promise<void> } | undefined;
afterAll(async () => server?.close());

const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const param = (run: Run, key: string) => run.data.params.find((p) => p.key === key)?.value;

describe('pixal sweep', () => {
  beforeAll(async () => {
    const synth = await runPixal(['synth', '-o', 'data', '--types', 'front', '--train', '6', '--test-good', '1', '--test-defective', '1', '--defects', 'scratch', '--size', '320x180', '--quiet'], cwd);
    expect(synth.code, synth.stderr).toBe(0);
  }, 120_000);

  it('refuses a bad grid value before any work, naming the point and the key', async () => {
    const run = await runPixal(['sweep', '-i', 'data/train/flex', '--grid', 'preprocessing.preprocessor.pool_size=8,0', ...common], cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/grid point pool_size=0: preprocessing\.preprocessor\.pool_size/);
    expect(existsSync(join(cwd, 'out')), 'nothing was preprocessed').toBe(false);
    expect(existsSync(join(cwd, 'mlruns')), 'nothing was logged').toBe(false);
  });

  it('logs one child run per point under a parent, and reuses the preprocessing the next time', { timeout: 240_000 }, async () => {
    const first = await runPixal(['sweep', '-i', 'data/train/flex', ...grid, ...common], cwd);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/^sweep FINISHED: 2 points, parent run [0-9a-f]{32}$/m);
    expect(first.stdout).not.toMatch(/cached/);
    const datasets = ['RGB', 'LAB_ab'].map((label) => {
      const line = first.stdout.split('\n').find((l) => l.includes(`channels=${label} `))!;
      const key = /preprocessing ([0-9a-f]{12})/.exec(line)![1]!;
      return join(cwd, 'out', 'sweep-cache', key, 'flex', 'front', 'out.npz');
    });
    const made = datasets.map((file) => statSync(file).mtimeMs);

    const second = await runPixal(['sweep', '-i', 'data/train/flex', ...grid, ...common], cwd);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.match(/, cached\]/g)).toHaveLength(2);
    expect(datasets.map((file) => statSync(file).mtimeMs), 'the datasets were not made again').toEqual(made);

    const { startServer } = await import('../../../server/main.ts');
    server = await startServer({ host: '127.0.0.1', port: 0, backendStoreUri: `sqlite:///${join(cwd, 'mlruns', 'pixal.db')}`, artifactsDestination: join(cwd, 'mlruns'), logLevel: 'silent' });
    const client = new MlflowClient({ trackingUri: server.url }, {});
    const experiment = (await client.getExperimentByName('pixal'))!;
    const runs = (await client.searchRuns({ experimentIds: [experiment.experimentId], orderBy: ['attributes.start_time ASC'] })).runs;
    const parents = runs.filter((r) => tag(r, 'pixal.kind') === 'sweep');
    expect(parents).toHaveLength(2);
    for (const parent of parents) {
      const children = runs.filter((r) => tag(r, 'mlflow.parentRunId') === parent.info.runId);
      expect(children.map((c) => tag(c, 'pixal.sweep_point')).sort()).toEqual(['channels=LAB_ab pool_size=8', 'channels=RGB pool_size=8']);
      expect(children.every((c) => c.info.status === 'FINISHED' && tag(c, 'pixal.kind') === 'training')).toBe(true);
      const rgb = children.find((c) => param(c, 'preprocessing.preprocessor.channels') === 'RGB')!;
      expect(param(rgb, 'preprocessing.preprocessor.weights'), 'weights fitted to three channels').toBe('[3,3,3]');
      expect(rgb.info.runName).toBe('autoencoder-dense-RGB-pool8-front');

      expect(parent.info.status).toBe('FINISHED');
      expect(param(parent, 'grid.preprocessing.preprocessor.channels')).toBe('["RGB","LAB_ab"]');
      const best = Math.min(...children.map((c) => c.data.metrics.find((m) => m.key === 'best_val_loss')!.value));
      expect(parent.data.metrics.find((m) => m.key === 'best_val_loss')!.value).toBeCloseTo(best, 10);
      const bestChild = children.find((c) => c.info.runId === tag(parent, 'pixal.best_run_id'))!;
      expect(bestChild.data.metrics.find((m) => m.key === 'best_val_loss')!.value).toBe(best);
    }
  });
});
