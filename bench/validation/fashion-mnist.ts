// Fashion-MNIST one-class benchmark (issue 5): real images that no one here wrote. For each of the ten classes, the
// conv autoencoder is trained on that class's training images only; then every test image is scored by its
// reconstruction error, the class's test images as good and the other nine classes' as anomalies, and the image
// AUROC is computed. Our trainer (trainer/training/train.ts) and Keras (bench/validation/fashion_mnist_keras.py,
// the architecture of bench/training/keras_baseline.py) run one after the other on the same data, split,
// architecture, initialisation scheme, loss, optimiser and epochs; both sides' reconstructions are scored here by
// the same code, so the AUROCs differ only by what the two trainers learnt.
//
//   bash bench/validation/setup.sh    # installs Debian's dataset-fashion-mnist
//   npx tsx bench/validation/fashion-mnist.ts [--epochs 10] [--batch 128] [--learning-rate 1e-3]
//        [--filters 32,64] [--latent 16] [--classes 0,1,...,9] [--dir /usr/share/datasets/fashion-mnist] [--python PATH]
//
// Image score: the mean squared reconstruction error over the image (`mean`), and the top-1% mean (`top_k`,
// validation's default) alongside; images are 28x28 in [0, 1], one channel, every pixel foreground.
// Keras runs in the venv ~/.cache/pixal/bench-venv, as bench/training/run.ts.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelTrainingOptions } from '../../trainer/config/model-training.ts';
import { auroc } from '../../trainer/detection/metrics.ts';
import { imageScore, type ScoreMethod } from '../../trainer/detection/scores.ts';
import { initBackend } from '../../trainer/model/backend.ts';
import { reconstruct } from '../../trainer/model/reconstruct.ts';
import { writeNpz } from '../../trainer/pipeline/features/npz.ts';
import type { TrainingData } from '../../trainer/training/dataset.ts';
import { readNpz } from '../../trainer/training/npz.ts';
import { splitByType } from '../../trainer/training/split.ts';
import { train } from '../../trainer/training/train.ts';
import { readIdx } from './idx.ts';

const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const SCORES: ScoreMethod[] = ['mean', 'top_k'];

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    epochs: { type: 'string', default: '10' },
    batch: { type: 'string', default: '128' },
    'learning-rate': { type: 'string', default: '1e-3' },
    filters: { type: 'string', default: '32,64' },
    latent: { type: 'string', default: '16' },
    classes: { type: 'string', default: '0,1,2,3,4,5,6,7,8,9' },
    python: { type: 'string', default: join(homedir(), '.cache/pixal/bench-venv/bin/python') },
  },
});
const epochs = Number(args.epochs);
const classes = args.classes.split(',').map(Number);
const options = ModelTrainingOptions.parse({
  model_kind: 'conv',
  conv_filters: args.filters.split(',').map(Number),
  conv_latent_channels: Number(args.latent),
  n_epochs: epochs,
  batchsize: Number(args.batch),
  learning_rate: Number(args['learning-rate']),
  // A fixed number of epochs and the last epoch's weights on both sides (Keras's fit has no restore-best).
  patience: epochs + 1,
  restore_best: false,
});
const out = resolve('bench/output/fashion-mnist');
mkdirSync(out, { recursive: true });

/** The images of an IDX pair as (N, 28·28, 1) floats in [0, 1], with their labels. */
async function readSplit(prefix: string): Promise<{ images: Float32Array; labels: Uint8Array; count: number; height: number; width: number }> {
  const file = (kind: string): string => join(args.dir, `${prefix}-${kind}`);
  const [images, labels] = await Promise.all([readIdx(file('images-idx3-ubyte.gz')), readIdx(file('labels-idx1-ubyte.gz'))]).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\nInstall Fashion-MNIST with: bash bench/validation/setup.sh`);
  });
  const [count, height, width] = images.shape as [number, number, number];
  if (images.shape.length !== 3 || labels.shape.join() !== String(count)) {
    throw new Error(`${prefix}: images (${images.shape.join(', ')}) and labels (${labels.shape.join(', ')}) do not match`);
  }
  return { images: Float32Array.from(images.data, (v) => v / 255), labels: labels.data, count, height, width };
}

const [trainSet, testSet] = [await readSplit('train'), await readSplit('t10k')];
const { height, width } = testSet;
const pixels = height * width;
const npzOf = (images: Float32Array, count: number) => ({
  data: { dtype: 'float32' as const, shape: [count, pixels, 1], data: images },
  shape: { dtype: 'int64' as const, shape: [2], data: BigInt64Array.from([BigInt(height), BigInt(width)]) },
});
await writeNpz(join(out, 'test.npz'), npzOf(testSet.images, testSet.count));

/** Image scores of reconstructions (N, P, 1) of the test images: squared error per pixel, then the image score. */
function imageScores(reconstruction: Float32Array, method: ScoreMethod): Float64Array {
  const foreground = new Uint8Array(pixels).fill(1); // every pixel counts: the garments lie on black, nothing to leave out
  const map = new Float32Array(pixels);
  return Float64Array.from({ length: testSet.count }, (_, n) => {
    for (let p = 0; p < pixels; p++) map[p] = (reconstruction[n * pixels + p]! - testSet.images[n * pixels + p]!) ** 2;
    return imageScore(map, foreground, method);
  });
}

interface Side {
  auroc: Record<ScoreMethod, number>;
  trainSeconds: number;
  loss: number;
  params: number;
}
function evaluateSide(reconstruction: Float32Array, good: number, trainSeconds: number, loss: number, params: number): Side {
  const labels = Uint8Array.from(testSet.labels, (l) => (l === good ? 0 : 1));
  const aurocs = Object.fromEntries(SCORES.map((m) => [m, auroc(imageScores(reconstruction, m), labels)])) as Record<ScoreMethod, number>;
  return { auroc: aurocs, trainSeconds, loss, params };
}

const backend = await initBackend('cpu');
const testTensor = tf.tensor3d(testSet.images, [testSet.count, pixels, 1]);

async function ours(data: TrainingData, good: number): Promise<Side> {
  const start = performance.now();
  const result = await train({ data, options, channelWeights: [1] });
  const seconds = (performance.now() - start) / 1000;
  const reconstruction = reconstruct(result.model, testTensor, undefined, 256);
  const values = (await reconstruction.data()) as Float32Array;
  reconstruction.dispose();
  const side = evaluateSide(values, good, seconds, result.history.at(-1)!.loss, result.model.countParams());
  result.model.dispose();
  return side;
}

async function kerasSide(split: { train: number[]; validation: number[] }, good: number): Promise<Side> {
  const file = (name: string): string => join(out, name);
  writeFileSync(file('split.json'), JSON.stringify(split));
  writeFileSync(file('config.json'), JSON.stringify(options));
  const stdout = execFileSync(
    args.python,
    ['bench/validation/fashion_mnist_keras.py', '--train', file('train.npz'), '--test', file('test.npz'), '--split', file('split.json'), '--config', file('config.json'), '--out', file('keras-recon.npz')],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`the Keras script printed no result:\n${stdout}`);
  const result = JSON.parse(line) as { train_seconds: number; loss: number; params: number };
  const recon = (await readNpz(file('keras-recon.npz'))).recon;
  if (recon?.dtype !== 'float32' || recon.data.length !== testSet.count * pixels) throw new Error(`keras-recon.npz: no float32 "recon" array of ${testSet.count}x${pixels}`);
  return evaluateSide(recon.data, good, result.train_seconds, result.loss, result.params);
}

const rows: { good: number; name: string; ours: Side; keras: Side }[] = [];
const load = [loadavg()[0]!];
const runStart = performance.now();
for (const good of classes) {
  const indices = [...trainSet.labels.keys()].filter((i) => trainSet.labels[i] === good);
  const images = new Float32Array(indices.length * pixels);
  indices.forEach((i, k) => images.set(trainSet.images.subarray(i * pixels, (i + 1) * pixels), k * pixels));
  const name = CLASS_NAMES[good]!;
  const data: TrainingData = {
    height,
    width,
    channels: ['gray'],
    count: indices.length,
    images,
    mask: new Float32Array(indices.length * pixels).fill(1),
    types: indices.map(() => 'fashion'),
    files: indices.map((i) => `train-${i}`),
    metadata: [],
  };
  await writeNpz(join(out, 'train.npz'), npzOf(images, indices.length));
  const split = splitByType(data.types, options.validation_split, options.seed); // the split train() makes
  const row = { good, name, ours: await ours(data, good), keras: await kerasSide(split, good) };
  rows.push(row);
  load.push(loadavg()[0]!);
  console.log(
    `${good} ${name}: AUROC ours ${row.ours.auroc.mean.toFixed(4)} / Keras ${row.keras.auroc.mean.toFixed(4)} (top-1%: ${row.ours.auroc.top_k.toFixed(4)} / ${row.keras.auroc.top_k.toFixed(4)}), ` +
      `train ${row.ours.trainSeconds.toFixed(1)} s / ${row.keras.trainSeconds.toFixed(1)} s, loss ${row.ours.loss.toFixed(5)} / ${row.keras.loss.toFixed(5)}, ` +
      `${row.ours.params} / ${row.keras.params} weights (load ${loadavg()[0]!.toFixed(1)})`,
  );
}
testTensor.dispose();

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const f = (v: number): string => v.toFixed(3);
console.log(
  `\nconv [${options.conv_filters.join(', ')}], latent ${options.conv_latent_channels}; ${epochs} epochs, batch ${options.batchsize}, Adam lr ${options.learning_rate}; ` +
    `${rows[0]?.ours.params} weights; backend ${backend.package} ${backend.version}; whole run ${((performance.now() - runStart) / 60000).toFixed(1)} min`,
);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average during the run ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
console.log('\n| class | ours AUROC | Keras AUROC | ours AUROC (top-1%) | Keras AUROC (top-1%) | ours train s | Keras train s |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.good} ${r.name} | ${f(r.ours.auroc.mean)} | ${f(r.keras.auroc.mean)} | ${f(r.ours.auroc.top_k)} | ${f(r.keras.auroc.top_k)} | ${r.ours.trainSeconds.toFixed(0)} | ${r.keras.trainSeconds.toFixed(0)} |`);
}
const col = (pick: (r: (typeof rows)[number]) => number): number => mean(rows.map(pick));
console.log(
  `| **mean** | **${f(col((r) => r.ours.auroc.mean))}** | **${f(col((r) => r.keras.auroc.mean))}** | ${f(col((r) => r.ours.auroc.top_k))} | ${f(col((r) => r.keras.auroc.top_k))} | ` +
    `${col((r) => r.ours.trainSeconds).toFixed(0)} | ${col((r) => r.keras.trainSeconds).toFixed(0)} |`,
);
writeFileSync(join(out, 'result.json'), JSON.stringify({ date: new Date().toISOString(), args, options, load, rows }, null, 2));
