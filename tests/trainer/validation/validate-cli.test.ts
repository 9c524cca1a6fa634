// `pixal validate` as users run it, through our server and through a real `mlflow server`: train, register with an
// alias, validate by run ID and by alias (identical results), a later unlabelled batch reusing the stored thresholds,
// and bad input (unknown run or alias, a type no model serves) reported without logging half a run.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';
import { startMlflow, startPixal, type TestServer } from '../../support/servers.ts';
import { pixal, setFlags, TINY_TRAINING_SETS, type CliRun } from '../runs/fixture.ts';

const TRAIN_SETS = [...TINY_TRAINING_SETS, 'model_training.model_kind=conv', 'model_training.n_epochs=3'];
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pixal-validate-'));
  const synth = await pixal(['synth', '-o', 'data', '--train', '8', '--test-good', '2', '--test-defective', '1', '--defects', 'scratch,particle,missing_pad', '--size', '320x180', '--quiet'], root);
  expect(synth.code, synth.stderr).toBe(0);
  const pre = await pixal(['preprocess', '-i', 'data/train/flex', '--quiet', ...setFlags(TRAIN_SETS)], root);
  expect(pre.code, pre.stderr).toBe(0);
}, 180_000);

const tag = (run: Run, key: string) => run.data.tags.find((t) => t.key === key)?.value;
const metric = (run: Run, key: string) => run.data.metrics.find((m) => m.key === key)?.value;
const ok = (run: CliRun, what: string) => expect(run.code, `${what}\n${run.stdout}\n${run.stderr}`).toBe(0);
const runIdIn = (stdout: string) => /run ([0-9a-f]{32})/.exec(stdout)![1]!;

async function validationRuns(client: MlflowClient, experimentId: string): Promise<Run[]> {
  const { runs } = await client.searchRuns({ experimentIds: [experimentId], filter: "tags.`pixal.kind` = 'validation'", orderBy: ['attributes.start_time ASC'] });
  return runs;
}

async function trainAndRegister(env: NodeJS.ProcessEnv, client: MlflowClient) {
  const trained = await pixal(['train', '-i', 'out/flex', '--types', 'front', '--quiet', ...setFlags(TRAIN_SETS)], root, env);
  ok(trained, 'train');
  const runId = runIdIn(trained.stdout);
  const registered = await pixal(['register', '--run', runId, '--name', 'flex-front', '--alias', 'production'], root, env);
  ok(registered, 'register');
  expect(registered.stdout).toMatch(/^registered flex-front version 1 from run [0-9a-f]{32}, alias production: models:\/flex-front\/1$/m);
  const experimentId = (await client.getRun(runId)).info.experimentId;
  return { runId, experimentId };
}

describe('pixal validate on our server', () => {
  let server: TestServer;
  let client: MlflowClient;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startPixal();
    client = new MlflowClient({ trackingUri: server.url }, {});
    env = { MLFLOW_TRACKING_URI: server.url, PIXAL_MODEL_CACHE: join(root, 'model-cache-ours') };
  });
  afterAll(async () => server?.close());

  it('gives identical results by run ID and by alias, logs a linked validation run, and stores its thresholds', { timeout: 300_000 }, async () => {
    const { runId, experimentId } = await trainAndRegister(env, client);
    const byRun = await pixal(['validate', '-i', 'data/test/flex', '--run', runId, '--quiet'], root, env);
    ok(byRun, 'validate --run');
    // detect scores what validate prepared, without preprocessing again: same model, same numbers.
    const detected = await pixal(['detect', '-i', 'validate/flex', '--run', runId, '--quiet'], root, env);
    ok(detected, 'detect');
    const byAlias = await pixal(['validate', '-i', 'data/test/flex', '--model', 'models:/flex-front@production', '--quiet'], root, env);
    ok(byAlias, 'validate --model');
    expect(byRun.stdout).toMatch(/back: no model serves this type \(skipped\)/);
    expect(byRun.stdout).toMatch(/image AUROC \d\.\d{4} {2}AP \d\.\d{4}/);

    const [first, fromDetect, second] = await validationRuns(client, experimentId);
    expect(second, 'three validation runs').toBeDefined();
    expect(tag(fromDetect!, 'mlflow.source.name')).toBe('pixal detect');
    for (const v of [first!, fromDetect!, second!]) {
      expect(v.info.status).toBe('FINISHED');
      expect(tag(v, 'pixal.source_run_id')).toBe(runId);
      expect(tag(v, 'pixal.model_uri')).toBe(`runs:/${runId}/model`);
      expect(tag(v, 'pixal.dataset_digest')).toMatch(/^[0-9a-f]{16}$/);
      expect(tag(v, 'pixal.type')).toBe('front');
    }
    expect(tag(second!, 'pixal.model_name')).toBe('flex-front');
    const keys = ['image_auroc', 'image_ap', 'pixel_auroc', 'pixel_ap', 'pixel_aupro', 'f1', 'precision', 'recall', 'tp', 'fp', 'tn', 'fn', 'image_threshold', 'pixel_threshold'];
    for (const key of keys) {
      expect(metric(first!, key), key).toBeTypeOf('number');
      expect(metric(second!, key), key).toBe(metric(first!, key));
      expect(metric(fromDetect!, key), key).toBe(metric(first!, key));
    }
    expect(metric(first!, 'pixel_aupro')).toBeGreaterThanOrEqual(0);
    expect(metric(first!, 'pixel_aupro')).toBeLessThanOrEqual(1);
    expect(metric(first!, 'images')).toBe(5); // 2 good + 1 image of each of 3 defect kinds
    expect(metric(first!, 'defective_images')).toBe(3);

    const artifacts = await client.runArtifacts(first!.info.runId);
    const files = (await artifacts.listFiles()).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['scores.csv', 'metadata/validation.yaml', 'plots/roc_images.png', 'plots/pr_pixels.png', 'plots/pro_pixels.png', 'plots/confusion_matrix.png', 'plots/score_histogram.png']));
    expect(files.filter((f) => f.startsWith('overlays/front/')).length).toBe(5);
    const csv = (run: Run) => artifacts.downloadFile('scores.csv', join(root, 'csv', run.info.runId)).then((file) => readFileSync(file, 'utf8'));
    const [a, b] = [await csv(first!), await csv(second!)];
    expect(a.split('\n')[0]).toBe('type,name,label,defect,score,normalised_score,prediction,anomalous_pixel_fraction,file');
    expect(a.trim().split('\n')).toHaveLength(1 + 5);
    expect(b).toBe(a);

    const source = await client.getRun(runId);
    expect(metric(source, 'validation.image_auroc')).toBe(metric(second!, 'image_auroc'));
    expect(tag(source, 'pixal.last_validation_run_id')).toBe(second!.info.runId);
    expect(Number(tag(source, 'pixal.threshold.image'))).toBe(metric(second!, 'image_threshold'));

    // A later production batch without labels reuses the thresholds the labelled set chose.
    const batch = join(root, 'batch', 'flex', 'front');
    mkdirSync(batch, { recursive: true });
    for (const file of readdirSync(join(root, 'data/test/flex/front/good'))) cpSync(join(root, 'data/test/flex/front/good', file), join(batch, `good_${file}`));
    const unlabelled = await pixal(['validate', '-i', join(root, 'batch', 'flex'), '--run', runId, '--quiet'], root, env);
    ok(unlabelled, 'validate unlabelled');
    expect(unlabelled.stdout).toContain(`(stored on training run ${runId} by validation run ${second!.info.runId})`);
    const third = (await validationRuns(client, experimentId))[3]!;
    expect(metric(third, 'image_threshold')).toBe(metric(second!, 'image_threshold'));
    expect(metric(third, 'image_auroc')).toBeUndefined();
  });

  it('refuses an unknown run or alias, and logs nothing', async () => {
    const experiment = await client.getOrCreateExperiment('pixal');
    const before = (await validationRuns(client, experiment.experimentId)).length;
    const unknownRun = await pixal(['validate', '-i', 'data/test/flex', '--run', '0123456789abcdef0123456789abcdef', '--quiet'], root, env);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toMatch(/run 0123456789abcdef0123456789abcdef: (not found|no run)/);
    const unknownAlias = await pixal(['validate', '-i', 'data/test/flex', '--model', 'models:/flex-front@staging', '--quiet'], root, env);
    expect(unknownAlias.code).toBe(1);
    expect(unknownAlias.stderr).toMatch(/models:\/flex-front@staging: not found on http/);
    const none = await pixal(['validate', '-i', 'data/test/flex', '--quiet'], root, env);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/give the model with --run RUN_ID or --model models:\/NAME@ALIAS/);
    expect((await validationRuns(client, experiment.experimentId)).length).toBe(before);
  });
});

describe('pixal validate through a real mlflow server', () => {
  let server: TestServer;
  afterAll(async () => server?.close());

  it('trains, registers, aliases and validates by alias, all through it', { timeout: 300_000 }, async () => {
    server = await startMlflow();
    const client = new MlflowClient({ trackingUri: server.url }, {});
    const env = { MLFLOW_TRACKING_URI: server.url, PIXAL_MODEL_CACHE: join(root, 'model-cache-mlflow') };
    const { runId, experimentId } = await trainAndRegister(env, client);
    const validated = await pixal(['validate', '-i', 'data/test/flex', '--model', 'models:/flex-front@production', '--quiet'], root, env);
    ok(validated, 'validate');
    const [run] = await validationRuns(client, experimentId);
    expect(run!.info.status).toBe('FINISHED');
    expect(tag(run!, 'pixal.source_run_id')).toBe(runId);
    expect(metric(run!, 'pixel_auroc')).toBeGreaterThanOrEqual(0);
    expect(metric(await client.getRun(runId), 'validation.pixel_auroc')).toBe(metric(run!, 'pixel_auroc'));
  });
});
