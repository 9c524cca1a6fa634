// Training throughput: our trainer (tfjs-node, custom step + fused Adam) against Keras 3 on TensorFlow 2.21 CPU
// (bench/training/keras_baseline.py) on the same architecture, data, split, loss, batch size and epochs, for
// PIXAL's dense autoencoder and for the conv autoencoder, alternating in one run.
//
//   npx tsx bench/training/run.ts [--height 122] [--width 196] [--channels 2] [--images 160] [--epochs 4]
//                                 [--batch 32] [--kinds dense,conv] [--rounds 1] [--python PATH] [--keras-bfc]
//
// --keras-bfc adds a third side: Keras with TF_CPU_ALLOCATOR_USE_BFC=true, the allocator our trainer turns on
// (trainer/model/backend.ts), to show how much of the difference is the allocator and how much the step.
//
// Keras runs in the venv ~/.cache/pixal/bench-venv (`pip install --find-links ~/.cache/pixal/wheels
// tensorflow-cpu==2.21.0`). The data is a seeded random dataset written as the pipeline writes it
// (out.npz + metadata/preprocessing.yaml) and read by both sides. samples/s = training images / epoch wall
// time (training and validation, as Keras's epoch callbacks see it); the first epoch (tracing, warm-up) is
// left out and the median of the others is reported, with the CPU seconds per training image alongside.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelTrainingOptions } from '../../trainer/config/model-training.ts';
import { initBackend } from '../../trainer/model/backend.ts';
import { CHANNEL_NAMES, type ChannelName } from '../../trainer/pipeline/features/channels.ts';
import { writePreprocessingMetadata } from '../../trainer/pipeline/features/metadata.ts';
import { writeNpz } from '../../trainer/pipeline/features/npz.ts';
import { PreprocessorOptions } from '../../trainer/pipeline/features/options.ts';
import { Random } from '../../trainer/synth/random.ts';
import { loadTrainingData } from '../../trainer/training/dataset.ts';
import { splitByType } from '../../trainer/training/split.ts';
import { train } from '../../trainer/training/train.ts';

const { values: args } = parseArgs({
  options: {
    height: { type: 'string', default: '122' },
    width: { type: 'string', default: '196' },
    channels: { type: 'string', default: '2' },
    images: { type: 'string', default: '160' },
    epochs: { type: 'string', default: '4' },
    batch: { type: 'string', default: '32' },
    kinds: { type: 'string', default: 'dense,conv' },
    rounds: { type: 'string', default: '1' },
    python: { type: 'string', default: join(homedir(), '.cache/pixal/bench-venv/bin/python') },
    'keras-bfc': { type: 'boolean', default: false },
  },
});
const [height, width, channelCount, count, epochs, batch, rounds] = [args.height, args.width, args.channels, args.images, args.epochs, args.batch, args.rounds].map(Number) as [
  number, number, number, number, number, number, number,
];
const kinds = args.kinds.split(',') as ('dense' | 'conv')[];
const out = resolve('bench/output/training');
const typeDir = join(out, 'data', 'bench');
mkdirSync(typeDir, { recursive: true });

// The dataset: smooth random fields (a few seeded blobs per image), as make_input writes them.
const channels = CHANNEL_NAMES.slice(9, 9 + channelCount) as [ChannelName, ...ChannelName[]]; // LAB_L, LAB_a, ...: any names do
const pixels = height * width;
const random = new Random('bench-training');
const images = new Float32Array(count * pixels * channelCount);
for (let n = 0; n < count; n++) {
  const blobs = Array.from({ length: 6 }, () => ({ y: random.uniform(0, height), x: random.uniform(0, width), r: random.uniform(5, 30), v: random.uniform(0.2, 0.8) }));
  for (let p = 0; p < pixels; p++) {
    const y = Math.floor(p / width);
    const x = p % width;
    let value = 0.1;
    for (const b of blobs) value += b.v * Math.exp(-((y - b.y) ** 2 + (x - b.x) ** 2) / (2 * b.r * b.r));
    for (let c = 0; c < channelCount; c++) images[(n * pixels + p) * channelCount + c] = Math.min(1, value * (0.6 + 0.2 * c));
  }
}
const preprocessor = PreprocessorOptions.parse({ channels, weights: channels.map(() => 3), pool_size: 2, zero_pruning: false });
const files = Array.from({ length: count }, (_, i) => `bench_${i}.png`);
await writeNpz(join(typeDir, 'out.npz'), {
  data: { dtype: 'float32', shape: [count, pixels, channelCount], data: images },
  shape: { dtype: 'int64', shape: [2], data: BigInt64Array.from([BigInt(height), BigInt(width)]) },
  mask: { dtype: 'float32', shape: [count, pixels], data: new Float32Array(count * pixels).fill(1) },
  files: { dtype: 'unicode', shape: [count], data: files },
});
await writePreprocessingMetadata(join(typeDir, 'metadata', 'preprocessing.yaml'), {
  type: 'bench',
  crop_box: { y_min: 0, y_max: height * 2, x_min: 0, x_max: width * 2, padding: 0 },
  image_size: { height: height * 2, width: width * 2 },
  cropped_size: { height: height * 2, width: width * 2 },
  shape: [height, width],
  input_dim: pixels * channelCount,
  channels,
  weights: preprocessor.weights,
  pool_size: 2,
  normalisation: { mode: 'fixed', ranges: Object.fromEntries(channels.map((c) => [c, { min: 0, max: 255 }])) },
  zero_pruning: false,
  zero_pruning_padding: 0,
  bg_threshold: 15,
  file_name: 'out.npz',
  files,
  skipped: [],
});

const backend = await initBackend('cpu');
const data = await loadTrainingData([typeDir], { preprocessor, oneHot: false });

interface EpochSample {
  samplesPerSecond: number;
  cpuPerSample: number;
  loss: number;
  params: number;
}
const median = (values: number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function ours(options: ModelTrainingOptions): Promise<EpochSample[]> {
  const samples: EpochSample[] = [];
  let cpu = process.cpuUsage();
  const result = await train({
    data,
    options,
    channelWeights: preprocessor.weights,
    onEpoch: (e) => {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      samples.push({ samplesPerSecond: e.samples_per_second, cpuPerSample: (used.user + used.system) / 1e6 / (count - Math.ceil(count * options.validation_split)), loss: e.loss, params: 0 });
    },
  });
  for (const sample of samples) sample.params = result.model.countParams();
  result.model.dispose();
  return samples;
}

function keras(options: ModelTrainingOptions, env: NodeJS.ProcessEnv = {}): EpochSample[] {
  const split = splitByType(data.types, options.validation_split, options.seed);
  writeFileSync(join(out, 'split.json'), JSON.stringify(split));
  writeFileSync(join(out, 'config.json'), JSON.stringify({ ...options, channel_weights: preprocessor.weights }));
  const stdout = execFileSync(args.python, ['bench/training/keras_baseline.py', '--npz', join(typeDir, 'out.npz'), '--split', join(out, 'split.json'), '--config', join(out, 'config.json')], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, ...env },
  });
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { seconds: number; cpu_seconds: number; loss: number; params: number })
    .map((e) => ({ samplesPerSecond: split.train.length / e.seconds, cpuPerSample: e.cpu_seconds / split.train.length, loss: e.loss, params: e.params }));
}

const sides = ['ours', 'keras', ...(args['keras-bfc'] ? ['keras+bfc'] : [])];
const rows: { kind: string; round: number; side: string; samplesPerSecond: number; cpuPerSample: number; firstLoss: number; lastLoss: number; params: number }[] = [];
const load = [loadavg()[0]!];
for (let round = 1; round <= rounds; round++) {
  for (const kind of kinds) {
    const options = ModelTrainingOptions.parse({ model_kind: kind, n_epochs: epochs, batchsize: batch, patience: epochs + 1, restore_best: false });
    for (const side of sides) {
      const epochsRun = side === 'ours' ? await ours(options) : keras(options, side === 'keras' ? {} : { TF_CPU_ALLOCATOR_USE_BFC: 'true' });
      const steady = epochsRun.slice(1);
      const row = {
        kind,
        round,
        side,
        samplesPerSecond: median(steady.map((e) => e.samplesPerSecond)),
        cpuPerSample: median(steady.map((e) => e.cpuPerSample)),
        firstLoss: epochsRun[0]!.loss,
        lastLoss: epochsRun.at(-1)!.loss,
        params: epochsRun[0]!.params,
      };
      rows.push(row);
      load.push(loadavg()[0]!);
      console.log(`${kind} ${side} round ${round}: ${row.samplesPerSecond.toFixed(2)} samples/s, ${(row.cpuPerSample * 1000).toFixed(0)} CPU ms/sample, loss ${row.firstLoss.toFixed(4)} → ${row.lastLoss.toFixed(4)}, ${row.params} weights (load ${loadavg()[0]!.toFixed(1)})`);
    }
  }
}

console.log(`\n${height}x${width}x${channelCount} (${pixels * channelCount} inputs), ${count} images (${data.count - Math.ceil(count * 0.2)} train), batch ${batch}, ${epochs} epochs; backend ${backend.package} ${backend.version}`);
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average during the run ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
const bfc = args['keras-bfc'];
console.log(`\n| model | weights | ours samples/s | Keras samples/s | ratio |${bfc ? ' Keras+BFC samples/s | ratio |' : ''} ours CPU ms/sample | Keras CPU ms/sample |`);
console.log(`|---|---|---|---|---|${bfc ? '---|---|' : ''}---|---|`);
const summary = kinds.map((kind) => {
  const pick = (side: string) => rows.filter((r) => r.kind === kind && r.side === side);
  const speed = (side: string) => median(pick(side).map((r) => r.samplesPerSecond));
  const cpu = (side: string) => median(pick(side).map((r) => r.cpuPerSample));
  const s = { kind, params: pick('ours')[0]!.params, ours: speed('ours'), keras: speed('keras'), kerasBfc: bfc ? speed('keras+bfc') : null, oursCpu: cpu('ours'), kerasCpu: cpu('keras') };
  const bfcCells = s.kerasBfc ? ` ${s.kerasBfc.toFixed(2)} | ${(s.ours / s.kerasBfc).toFixed(2)}x |` : '';
  console.log(`| ${kind} | ${s.params} | ${s.ours.toFixed(2)} | ${s.keras.toFixed(2)} | ${(s.ours / s.keras).toFixed(2)}x |${bfcCells} ${(s.oursCpu * 1000).toFixed(0)} | ${(s.kerasCpu * 1000).toFixed(0)} |`);
  return s;
});
writeFileSync(join(out, 'result.json'), JSON.stringify({ date: new Date().toISOString(), args, load, rows, summary }, null, 2));
