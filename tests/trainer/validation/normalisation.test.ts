// Per-pixel normalisation end to end, on a tiny synthetic flex: `pixal train` stores the model's error reference in
// the run's model artifact, validation reads it and normalises the maps as defined, and a model without one
// (trained before pixal stored it) is scored raw with a warning naming the run.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionOptions } from '../../../trainer/config/detection.ts';
import { gaussianBlurMaps } from '../../../trainer/detection/blur.ts';
import { epsilonOf, supportOf } from '../../../trainer/detection/normalisation.ts';
import { ERROR_REFERENCE_DIR, ERROR_REFERENCE_INDEX } from '../../../trainer/detection/normalisation-file.ts';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';
import { initBackend } from '../../../trainer/model/backend.ts';
import { measureErrorReferences } from '../../../trainer/runs/error-reference.ts';
import { loadTrainingData } from '../../../trainer/training/dataset.ts';
import { detectType } from '../../../trainer/validation/detect.ts';
import { fetchModel, type TrainedModel } from '../../../trainer/validation/model-source.ts';
import { loadPreparedSet } from '../../../trainer/validation/prepared-store.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';
import { pixal, setFlags, TINY_TRAINING_SETS, type CliRun } from '../runs/fixture.ts';

// Alignment off: it is not what this test is about, and the tiny images train in seconds without it.
const TRAIN_SETS = [...TINY_TRAINING_SETS, 'preprocessing.alignment.apply_alignment=false', 'model_training.n_epochs=3'];
const IMAGES = 8;

let root: string;
let server: TestServer;
let client: MlflowClient;
let env: NodeJS.ProcessEnv;
let runId: string;
let artifactsDir: string;
let model: TrainedModel;
let validated: CliRun;

const ok = (run: CliRun, what: string) => expect(run.code, `${what}\n${run.stdout}\n${run.stderr}`).toBe(0);
const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const validationRunIn = (stdout: string) => /validation run ([0-9a-f]{32})/.exec(stdout)![1]!;

beforeAll(async () => {
  await initBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'pixal-normalisation-'));
  server = await startPixal();
  client = new MlflowClient({ trackingUri: server.url }, {});
  env = { MLFLOW_TRACKING_URI: server.url, PIXAL_MODEL_CACHE: join(root, 'model-cache') };
  ok(await pixal(['synth', '-o', 'data', '--train', String(IMAGES), '--test-good', '2', '--test-defective', '1', '--defects', 'scratch,particle', '--size', '320x180', '--quiet'], root), 'synth');
  ok(await pixal(['preprocess', '-i', 'data/train/flex', '--quiet', ...setFlags(TRAIN_SETS)], root), 'preprocess');
  const trained = await pixal(['train', '-i', 'out/flex', '--types', 'front', '--quiet', ...setFlags(TRAIN_SETS)], root, env);
  ok(trained, 'train');
  runId = /run ([0-9a-f]{32})/.exec(trained.stdout)![1]!;
  artifactsDir = join(root, /files: (\S+)/.exec(trained.stdout)![1]!, 'artifacts');
  model = await fetchModel(client, { runId }, join(root, 'model-cache'));
  // Prepares validate/flex/front for the detections below.
  validated = await pixal(['validate', '-i', 'data/test/flex', '--run', runId, '--quiet'], root, env);
  ok(validated, 'validate');
}, 300_000);
afterAll(async () => server?.close());

describe('the error reference', () => {
  it('is measured at training with the trained model over every training image, and read back with the model', async () => {
    expect(existsSync(join(artifactsDir, 'model', ERROR_REFERENCE_DIR, ERROR_REFERENCE_INDEX))).toBe(true);
    const stored = model.errorReferences?.get('front');
    expect(stored, 'fetchModel reads the reference').toBeDefined();
    expect(stored!.shape).toEqual(model.info.shape);
    expect(stored!.images).toBe(IMAGES);
    // The same measurement with the downloaded model over the dataset gives the stored numbers.
    const data = await loadTrainingData([join(root, 'out/flex/front')], { preprocessor: model.config.preprocessing.preprocessor, oneHot: false });
    const again = (await measureErrorReferences(model.model, data, model.config.preprocessing.preprocessor.weights)).get('front')!;
    expect(again.foregroundShare).toEqual(stored!.foregroundShare);
    for (let j = 0; j < again.meanError.length; j++) expect(again.meanError[j]).toBeCloseTo(stored!.meanError[j]!, 6);
    expect(Math.max(...stored!.meanError)).toBeGreaterThan(0);
  });

  it('normalises detection maps: error / (mean training error + epsilon) in the support, 0 elsewhere', async () => {
    expect(validated.stdout).toContain('errors normalised per pixel');
    expect(tag(await client.getRun(validationRunIn(validated.stdout)), 'pixal.normalisation')).toBe('per_pixel');

    const { metadata } = model.types.get('front')!;
    const set = await loadPreparedSet(join(root, 'validate/flex/front'), metadata);
    const reference = model.errorReferences!.get('front')!;
    const channelWeights = model.config.preprocessing.preprocessor.weights;
    const options = DetectionOptions.parse({ normalisation_epsilon_quantile: 0.5, support_share: 0.9 });
    const raw = await detectType({ model: model.model, set, channelWeights, options: { ...options, normalisation: 'none' }, reference });
    const normalised = await detectType({ model: model.model, set, channelWeights, options, reference });
    expect(raw.normalised).toBe(false);
    expect(normalised.normalised).toBe(true);
    const support = supportOf(reference, 0.9);
    const epsilon = epsilonOf(reference, support, 0.5);
    expect(support.some((s) => s === 0) && support.some((s) => s === 1)).toBe(true);
    const pixels = reference.meanError.length;
    for (let k = 0; k < raw.maps.length; k++) {
      const j = k % pixels;
      const expected = support[j] ? raw.maps[k]! / (reference.meanError[j]! + epsilon) : 0;
      expect(normalised.maps[k]).toBeCloseTo(expected, 5);
    }
    expect(normalised.scores).not.toEqual(raw.scores);
  });

  it('smooths the normalised maps with detection.map_sigma before scoring (0: the maps as they are)', async () => {
    const { metadata } = model.types.get('front')!;
    const set = await loadPreparedSet(join(root, 'validate/flex/front'), metadata);
    const reference = model.errorReferences!.get('front')!;
    const channelWeights = model.config.preprocessing.preprocessor.weights;
    const plain = await detectType({ model: model.model, set, channelWeights, options: DetectionOptions.parse({}), reference });
    const smoothed = await detectType({ model: model.model, set, channelWeights, options: DetectionOptions.parse({ map_sigma: 1.5 }), reference });
    const [h, w] = plain.shape;
    const expected = plain.maps.slice();
    gaussianBlurMaps(expected, set.items.length, h, w, 1.5);
    expect(smoothed.maps).toEqual(expected);
    expect(smoothed.maps).not.toEqual(plain.maps);
    // Image scores are the largest pixel error: smoothing lowers every peak.
    smoothed.scores.forEach((score, i) => expect(score).toBeLessThan(plain.scores[i]!));
  });

  it('is absent in older models: they are scored raw, with a warning naming the run', { timeout: 120_000 }, async () => {
    // The same model files without error_reference/, as pixal stored them before it measured references.
    const older = join(root, 'older-artifacts');
    cpSync(artifactsDir, older, { recursive: true });
    rmSync(join(older, 'model', ERROR_REFERENCE_DIR), { recursive: true });
    const source = await client.getRun(runId);
    const run = await client.createRun({ experimentId: source.info.experimentId, runName: 'older-model' });
    await (await client.runArtifacts(run.info.runId)).logDirectory(older);
    await client.updateRun(run.info.runId, { status: 'FINISHED' });

    const detected = await pixal(['detect', '-i', 'validate/flex', '--run', run.info.runId], root, env);
    ok(detected, 'detect');
    expect(detected.stderr).toContain(`warning: run ${run.info.runId}: no per-pixel error reference for front (trained before pixal stored one); scored without normalisation`);
    expect(detected.stdout).toContain('raw errors');
    expect(tag(await client.getRun(validationRunIn(detected.stdout)), 'pixal.normalisation')).toBe('none');
  });
});
