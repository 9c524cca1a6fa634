// `pixal train` as a user runs it, logging to a tracking server named by MLFLOW_TRACKING_URI: per-type mode
// trains one run per type folder, one-hot mode one run over all types, each with dense and conv models; bad
// input stops the command with a clear message before training, and no run is created.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MlflowClient } from '../../../trainer/mlflow/client.ts';
import type { Run } from '../../../trainer/mlflow/types.ts';
import { writeNpz, type NpyArray } from '../../../trainer/pipeline/features/npz.ts';
import { readNpz } from '../../../trainer/training/npz.ts';
import { asMap, uniqueName } from '../../support/rest.ts';
import { startPixal, type TestServer } from '../../support/servers.ts';
import { pixal, setFlags, synthComponent, TINY_TRAINING_SETS, type CliRun, type SynthComponent } from '../runs/fixture.ts';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let server: TestServer;
let client: MlflowClient;
let perType: SynthComponent;
let oneHot: SynthComponent;
beforeAll(async () => {
  server = await startPixal();
  client = new MlflowClient({ trackingUri: server.url, retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 } }, {});
  perType = await synthComponent();
  oneHot = await synthComponent({ oneHot: true });
});
afterAll(async () => {
  await server?.close();
  for (const synth of [perType, oneHot]) if (synth) rmSync(synth.root, { recursive: true, force: true });
});

/** `pixal train -i <dir> --experiment <experiment> <tiny model> <extra>`, logging to the test's server. */
function train(synth: SynthComponent, experiment: string, extra: string[] = [], input = synth.componentDir): Promise<CliRun> {
  return pixal(['train', '-i', input, '--experiment', experiment, ...setFlags(TINY_TRAINING_SETS), ...extra], synth.root, { MLFLOW_TRACKING_URI: server.url });
}

async function runsOf(experiment: string): Promise<Run[]> {
  const found = await client.getExperimentByName(experiment);
  if (!found) return [];
  const { runs } = await client.searchRuns({ experimentIds: [found.experimentId], orderBy: ['attributes.run_name ASC'] });
  return runs;
}

describe('pixal train', () => {
  it.each(['dense', 'conv'])('per-type mode trains one %s run per type folder', async (kind) => {
    const experiment = uniqueName(`per-type-${kind}`);
    const cli = await train(perType, experiment, ['--set', `model_training.model_kind=${kind}`]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(/backend: tensorflow on cpu \(@tensorflow\/tfjs-node [\d.]+\)/);
    expect(cli.stderr).toContain(`tracking: ${server.url}`);
    expect(cli.stderr).toMatch(new RegExp(`experiment: ${experiment} \\(id \\d+\\)`));

    const runs = await runsOf(experiment);
    expect(runs.map((r) => r.info.runName)).toEqual([`autoencoder-${kind}-LAB_ab-pool4-back`, `autoencoder-${kind}-LAB_ab-pool4-front`]);
    for (const [run, type] of [[runs[0]!, 'back'], [runs[1]!, 'front']] as const) {
      expect(run.info.status).toBe('FINISHED');
      expect(asMap(run.data.tags)).toMatchObject({ 'pixal.type': type, 'pixal.types': type, 'pixal.model_kind': kind, 'pixal.component': 'flex' });
      expect(run.datasetInputs.map((d) => d.dataset.name)).toEqual([`flex/${type}`]);
      // The summary: one paragraph per run, with the run's address on the server.
      const { runId, experimentId, runName } = run.info;
      expect(cli.stdout).toMatch(new RegExp(`^${runName}: FINISHED, 4 epochs \\(completed\\), best val_loss [\\d.e-]+ at epoch \\d\\n  run ${runId}: ${escape(`${server.url}/#/experiments/${experimentId}/runs/${runId}`)}\\n  files: .*out/flex/${type}/model/${runId}$`, 'm'));
      const mlmodel = YAML.parse(readFileSync(join(perType.root, 'out', 'flex', type, 'model', runId, 'artifacts', 'model', 'MLmodel'), 'utf8')) as { run_id: string };
      expect(mlmodel.run_id).toBe(runId);
    }
  });

  it.each(['dense', 'conv'])('one-hot mode trains one %s run over both types', async (kind) => {
    const experiment = uniqueName(`one-hot-${kind}`);
    const cli = await train(oneHot, experiment, ['--quiet', '--set', 'model_training.one_hot_encoding=true', '--set', 'preprocessing.preprocessor.zero_pruning=false', '--set', `model_training.model_kind=${kind}`]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`^autoencoder-${kind}-LAB_ab-pool4-one_hot: FINISHED, 4 epochs`, 'm'));

    const runs = await runsOf(experiment);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.info).toMatchObject({ status: 'FINISHED', runName: `autoencoder-${kind}-LAB_ab-pool4-one_hot` });
    expect(asMap(run.data.tags)).toMatchObject({ 'pixal.type': 'one_hot', 'pixal.types': 'back,front', 'pixal.model_kind': kind, 'pixal.train_images': '12', 'pixal.validation_images': '4' });
    expect(asMap(run.data.params)).toMatchObject({ 'model_training.one_hot_encoding': 'true', 'model_training.model_kind': kind });
    expect(run.datasetInputs.map((d) => d.dataset.name)).toEqual(['flex/one_hot']);

    // The logged model is conditioned on the type and carries both types' preprocessing.
    const artifacts = await client.runArtifacts(run.info.runId);
    const files = (await artifacts.listFiles('model')).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['model/preprocessing/back/preprocessing.yaml', 'model/preprocessing/front/preprocessing.yaml', 'model/MLmodel']));
    const dir = mkdtempSync(join(tmpdir(), 'pixal-one-hot-model-'));
    const info = JSON.parse(readFileSync(await artifacts.download('model/pixal-model.json', dir), 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ model_kind: kind, one_hot_types: ['back', 'front'] });
    const mlmodel = YAML.parse(readFileSync(await artifacts.download('model/MLmodel', dir), 'utf8')) as { signature: { inputs: string } };
    expect((JSON.parse(mlmodel.signature.inputs) as { name: string }[]).map((i) => i.name)).toEqual(['image', 'type_one_hot']);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** A copy of a preprocessed component whose `type` dataset `change` rewrites; returns the copy's folder. */
async function alteredCopy(synth: SynthComponent, name: string, type: string, change: (arrays: Record<string, NpyArray>, metadata: Record<string, unknown>) => void): Promise<string> {
  const dir = join(synth.root, name, 'flex');
  cpSync(synth.componentDir, dir, { recursive: true });
  const npz = join(dir, type, 'out.npz');
  const read = await readNpz(npz);
  const arrays: Record<string, NpyArray> = {};
  for (const [key, value] of Object.entries(read)) {
    if (value.dtype === 'float32') arrays[key] = { dtype: 'float32', shape: value.shape, data: Float32Array.from(value.data) };
    else if (value.dtype === 'int64') arrays[key] = { dtype: 'int64', shape: value.shape, data: BigInt64Array.from(value.data) };
    else if (value.dtype === 'unicode') arrays[key] = { dtype: 'unicode', shape: [value.data.length], data: value.data };
    else throw new Error(`${npz}: unexpected ${value.dtype} array ${key}`);
  }
  const metadataFile = join(dir, type, 'metadata', 'preprocessing.yaml');
  const metadata = YAML.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  change(arrays, metadata);
  await writeNpz(npz, arrays);
  writeFileSync(metadataFile, YAML.stringify(metadata));
  return dir;
}

const float32 = (array: NpyArray | undefined) => {
  if (array?.dtype !== 'float32' || !(array.data instanceof Float32Array)) throw new Error('expected one float32 array');
  return array as { dtype: 'float32'; shape: number[]; data: Float32Array };
};

describe.concurrent('pixal train refuses bad input before training, creating no run', () => {
  /** Runs `pixal train` into a fresh experiment; it must fail with `message` and leave the experiment empty. */
  async function refuses(synth: SynthComponent, args: string[], message: RegExp, input?: string): Promise<void> {
    const experiment = uniqueName('refused');
    await client.getOrCreateExperiment(experiment);
    const cli = await train(synth, experiment, ['--quiet', ...args], input);
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    expect(cli.stderr).toMatch(message);
    expect(cli.stdout, 'nothing trained, no summary').toBe('');
    expect(await runsOf(experiment)).toEqual([]);
  }

  it('a dataset made with other channels than the config, naming the file and both channel lists', () =>
    refuses(
      perType,
      ['--set', 'preprocessing.preprocessor.channels=RGB', '--set', 'preprocessing.preprocessor.weights=[1,1,1]'],
      new RegExp(`${escape(join(perType.componentDir, 'back', 'out.npz'))}: made with channels \\[LAB_a, LAB_b\\] but preprocessing\\.preprocessor\\.channels is \\[R, G, B\\]; re-run pixal preprocess`),
    ));

  it('a dataset made with another pool size', () =>
    refuses(
      perType,
      ['--set', 'preprocessing.preprocessor.pool_size=2'],
      new RegExp(`${escape(join(perType.componentDir, 'back', 'out.npz'))}: made with pool_size 4 but preprocessing\\.preprocessor\\.pool_size is 2`),
    ));

  it('types of different input sizes in one one-hot model', async () => {
    // back loses its last row of pixels: 21x40 against front's 22x40.
    const dir = await alteredCopy(oneHot, 'smaller-back', 'back', (arrays, metadata) => {
      const [height, width] = metadata.shape as [number, number];
      const data = float32(arrays.data);
      const mask = float32(arrays.mask);
      const [n, pixels, channels] = data.shape as [number, number, number];
      const kept = (height - 1) * width;
      const rows = (source: Float32Array, per: number, keep: number) => {
        const out = new Float32Array(n * keep);
        for (let i = 0; i < n; i++) out.set(source.subarray(i * per, i * per + keep), i * keep);
        return out;
      };
      arrays.data = { dtype: 'float32', shape: [n, kept, channels], data: rows(data.data, pixels * channels, kept * channels) };
      arrays.mask = { dtype: 'float32', shape: [n, kept], data: rows(mask.data, pixels, kept) };
      arrays.shape = { dtype: 'int64', shape: [2], data: BigInt64Array.from([BigInt(height - 1), BigInt(width)]) };
      metadata.shape = [height - 1, width];
      metadata.input_dim = kept * channels;
    });
    await refuses(
      oneHot,
      ['--set', 'model_training.one_hot_encoding=true', '--set', 'preprocessing.preprocessor.zero_pruning=false'],
      new RegExp(`${escape(join(dir, 'front', 'out.npz'))}: shape 22x40 differs from 21x40 of ${escape(join(dir, 'back', 'out.npz'))}; one model needs one input size`),
      dir,
    );
  });

  it('one-hot training on data preprocessed without type labels', () =>
    refuses(perType, ['--types', 'back', '--set', 'model_training.one_hot_encoding=true'], /back\/out\.npz: no one-hot "labels" although model_training\.one_hot_encoding is true; re-run pixal preprocess with it/));

  it('a NaN in the images, named by image, pixel and channel', async () => {
    let width = 0;
    const dir = await alteredCopy(perType, 'nan', 'front', (arrays, metadata) => {
      width = (metadata.shape as number[])[1]!;
      const data = float32(arrays.data);
      const [, pixels, channels] = data.shape as [number, number, number];
      data.data[(1 * pixels + 2 * width + 3) * channels + 1] = Number.NaN; // image 1, y=2 x=3, LAB_b
    });
    expect(width).toBeGreaterThan(3);
    await refuses(
      perType,
      [],
      new RegExp(`${escape(join(dir, 'front', 'out.npz'))}: "data" holds NaN at image 1 \\(front_001_no_bg\\.png\\), pixel y=2 x=3, channel LAB_b; the dataset must be finite`),
      dir,
    );
  });

  it('an infinite mask value', async () => {
    const dir = await alteredCopy(perType, 'inf', 'back', (arrays) => {
      const mask = float32(arrays.mask);
      mask.data[mask.shape[1]! * 2 + 5] = Number.POSITIVE_INFINITY; // image 2
    });
    await refuses(perType, [], new RegExp(`${escape(join(dir, 'back', 'out.npz'))}: "mask" holds Infinity at image 2 \\(back_002_no_bg\\.png\\)`), dir);
  });

  it('an empty dataset', async () => {
    const dir = await alteredCopy(perType, 'empty', 'front', (arrays, metadata) => {
      const data = float32(arrays.data);
      arrays.data = { dtype: 'float32', shape: [0, data.shape[1]!, data.shape[2]!], data: new Float32Array(0) };
      arrays.mask = { dtype: 'float32', shape: [0, data.shape[1]!], data: new Float32Array(0) };
      arrays.files = { dtype: 'unicode', shape: [0], data: [] };
      metadata.files = [];
    });
    await refuses(perType, [], new RegExp(`${escape(join(dir, 'front', 'out.npz'))}: empty dataset: "data" holds no images`), dir);
  });

  it('an unknown model_training key, listing the valid ones', () =>
    refuses(perType, ['--set', 'model_training.foo=1'], /model_training\.foo: unknown key; valid keys: model_name, .*autoencoder_architecture, .*n_epochs, .*model_kind, .*restore_best \(from --set model_training\.foo=1\)/));

  it('a folder without preprocessed type folders', () =>
    refuses(
      perType,
      [],
      new RegExp(`${escape(join(perType.root, 'data', 'train', 'flex'))}: no preprocessed type folders \\(none has metadata/preprocessing\\.yaml\\); run pixal preprocess first`),
      join(perType.root, 'data', 'train', 'flex'),
    ));

  it('--types naming a type that is not there', () =>
    refuses(perType, ['--types', 'front,side'], new RegExp(`--types side: not a preprocessed type folder of ${escape(perType.componentDir)} \\(found: back, front\\)`)));

  it('a conv model on the wasm backend', () =>
    refuses(perType, ['--device', 'wasm', '--set', 'model_training.model_kind=conv'], /model_training\.model_kind conv needs the native TensorFlow backend, but training runs on wasm .*the wasm backend cannot train convolutions/));
});
