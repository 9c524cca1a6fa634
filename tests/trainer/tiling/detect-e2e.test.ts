// Tiled detection end to end, as users run it: `pixal synth` photos, preprocessed at pool 2, trained tiled against a
// real pixal server (per_location with per-tile normalisation; shared with a one-hot position input, joined
// normalisation and per-tile thresholds), validated with `pixal validate`: the joined maps have the pooled map's
// size and upsample to each crop, and the validation run has the metrics and figures of an untiled one plus
// plots/tile_grid_front.png; per-tile thresholds are stored on the training run and reused for an unlabelled batch.
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionOptions } from '../../../trainer/config/detection.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';
import { initBackend } from '../../../trainer/model/backend.ts';
import { detectorOf } from '../../../trainer/tiling/detect.ts';
import { storedTileThresholds, TILE_THRESHOLDS_TAG } from '../../../trainer/tiling/tile-thresholds.ts';
import { cropMap, detectType } from '../../../trainer/validation/detect.ts';
import { fetchModel } from '../../../trainer/validation/model-source.ts';
import { loadPreparedSet } from '../../../trainer/validation/prepared-store.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';
import { pixal, setFlags, TINY_TRAINING_SETS, type CliRun } from '../runs/fixture.ts';

const SETS = [
  ...TINY_TRAINING_SETS.filter((s) => !s.startsWith('preprocessing.preprocessor.pool_size=') && !s.startsWith('model_training.n_epochs=')),
  'preprocessing.preprocessor.pool_size=2',
  'model_training.n_epochs=2',
];
const TILING = ['tiling.enabled=true', 'tiling.tile_size=32', 'tiling.stride=24', 'tiling.seam_smoothing.width=4', 'tiling.seam_smoothing.sigma=2'];
const USUAL_FILES = ['scores.csv', 'metadata/validation.yaml', 'plots/roc_images.png', 'plots/pr_images.png', 'plots/roc_pixels.png', 'plots/pr_pixels.png', 'plots/confusion_matrix.png', 'plots/score_histogram.png', 'plots/pixel_loss_histogram.png'];

let root: string;
let server: TestServer;
let client: MlflowClient;
let env: NodeJS.ProcessEnv;

const ok = (run: CliRun, what: string) => expect(run.code, `${what}\n${run.stdout}\n${run.stderr}`).toBe(0);
const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const metric = (run: Run, key: string) => run.data.metrics.find((m) => m.key === key)?.value;

beforeAll(async () => {
  await initBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'pixal-tiled-detect-'));
  server = await startPixal();
  client = new MlflowClient({ trackingUri: server.url }, {});
  env = { MLFLOW_TRACKING_URI: server.url, PIXAL_MODEL_CACHE: join(root, 'model-cache') };
  ok(await pixal(['synth', '-o', 'data', '--train', '8', '--test-good', '2', '--test-defective', '2', '--defects', 'scratch,particle', '--size', '320x180', '--quiet'], root), 'synth');
  ok(await pixal(['preprocess', '-i', 'data/train/flex', '--quiet', ...setFlags(SETS)], root), 'preprocess');
}, 240_000);
afterAll(async () => server?.close());

/** Trains `front` tiled with `sets`, validates it on the test images; returns the training and validation runs. */
async function trainAndValidate(sets: string[]): Promise<{ runId: string; training: Run; validation: Run }> {
  const trained = await pixal(['train', '-i', 'out/flex', '--types', 'front', '--quiet', ...setFlags([...SETS, ...TILING, ...sets])], root, env);
  ok(trained, 'train');
  const runId = /run ([0-9a-f]{32})/.exec(trained.stdout)![1]!;
  const validated = await pixal(['validate', '-i', 'data/test/flex', '--run', runId, '--quiet'], root, env);
  ok(validated, 'validate');
  const validationId = /validation run ([0-9a-f]{32})/.exec(validated.stdout)![1]!;
  return { runId, training: await client.getRun(runId), validation: await client.getRun(validationId) };
}

async function expectUntiledOutputs(validation: Run): Promise<void> {
  expect(validation.info.status).toBe('FINISHED');
  for (const key of ['image_auroc', 'image_ap', 'pixel_auroc', 'pixel_ap', 'pixel_aupro', 'f1', 'pixel_f1', 'image_threshold', 'pixel_threshold']) expect(metric(validation, key), key).toBeTypeOf('number');
  expect(metric(validation, 'images')).toBe(6); // 2 good, 2 of each defect kind
  const files = (await (await client.runArtifacts(validation.info.runId)).listFiles()).map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining([...USUAL_FILES, 'plots/tile_grid_front.png']));
  expect(files.filter((f) => f.startsWith('overlays/front/'))).toHaveLength(6);
}

describe('tiled detection', () => {
  it('per_location, per-tile normalisation: joined maps of the pooled size, the usual metrics and figures plus the tile grid', { timeout: 400_000 }, async () => {
    const { runId, training, validation } = await trainAndValidate(['tiling.mode=per_location', 'tiling.normalisation_scope=per_tile']);
    expect(tag(training, 'pixal.tiling')).toBe('per_location');
    expect(tag(validation, 'pixal.normalisation')).toBe('per_pixel');
    await expectUntiledOutputs(validation);

    // The joined maps, in process, from the model as validation fetched it and the images validate prepared.
    const model = await fetchModel(client, { runId }, join(root, 'model-cache'));
    expect(model.tiled?.manifest.mode).toBe('per_location');
    const { metadata } = model.types.get('front')!;
    const set = await loadPreparedSet(join(root, 'validate/flex/front'), metadata);
    const options = DetectionOptions.parse({});
    const detection = await detectType({
      model: detectorOf(model, { detection: options, plotting: model.config.plotting, sourceRunId: runId }),
      set,
      channelWeights: model.config.preprocessing.preprocessor.weights,
      options,
      reference: model.errorReferences!.get('front')!,
    });
    const [h, w] = metadata.shape;
    expect(model.tiled!.grid.height * model.tiled!.grid.width).toBe(h * w);
    expect(model.tiled!.grid.tiles.length).toBeGreaterThan(1);
    expect(detection.maps.length).toBe(set.items.length * h * w);
    for (const [i, item] of set.items.entries()) expect(cropMap(detection, i).length).toBe(item.cropSize.height * item.cropSize.width);
    // the validation run scored the same maps
    expect(detection.scores.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    model.tiled!.dispose();
  });

  it('shared with a position input, joined normalisation, per-tile thresholds: pixel threshold 1, thresholds stored on the run', { timeout: 400_000 }, async () => {
    const { runId, training, validation } = await trainAndValidate(['tiling.mode=shared', 'tiling.position_input=one_hot', 'tiling.normalisation_scope=joined', 'tiling.threshold_scope=per_tile']);
    expect(tag(training, 'pixal.tiling')).toBe('shared');
    await expectUntiledOutputs(validation);
    expect(metric(validation, 'pixel_threshold')).toBe(1);
    expect(tag(validation, 'pixal.threshold_origin')).toMatch(/pixel: per tile, F1-optimal on this set's labels in \d+ of \d+ tiles/);
    const stored = storedTileThresholds({ [TILE_THRESHOLDS_TAG]: tag(await client.getRun(runId), TILE_THRESHOLDS_TAG)! });
    expect(stored?.from).toBe(validation.info.runId);
    expect(stored?.units).toBe('per_pixel');
    expect(stored?.types.front?.length).toBe(stored!.grid[0] * stored!.grid[1]);

    // A later batch without labels reuses them.
    const batch = join(root, 'batch', 'flex', 'front');
    mkdirSync(batch, { recursive: true });
    for (const file of readdirSync(join(root, 'data/test/flex/front/good'))) cpSync(join(root, 'data/test/flex/front/good', file), join(batch, file));
    const unlabelled = await pixal(['validate', '-i', join(root, 'batch', 'flex'), '--run', runId, '--quiet'], root, env);
    ok(unlabelled, 'validate unlabelled');
    expect(unlabelled.stdout).toContain(`pixel: per tile, stored on training run ${runId} by validation run ${validation.info.runId}`);
  });
});
