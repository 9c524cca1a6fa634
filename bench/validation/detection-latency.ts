// Detection latency: how long `pixal validate` takes per image once the images are preprocessed, stage by stage,
// and the whole validate command on a batch of new images, at the real photo size. The issue's target: ≤ 50 ms per
// 1920x1080 image after preprocessing.
//
//   npx tsx bench/validation/detection-latency.ts [--size 1920x1080] [--images 100] [--model conv|dense]
//       [--channels LAB | LAB_a,LAB_b | ...] [--pool 4] [--align true|false] [--repeat 3] [--batches 1,8]
//       [--set key=value ...] [--keep]
//
// --model/--channels/--pool/--align override the configuration's defaults (left out: what a user gets by
// default); --channels sets one loss weight per channel unless a --set gives the weights. Every option applies
// to preprocessing, training and validation alike.
//
// It makes a synthetic flex dataset (front type; 12 training images and a test batch of about --images), trains
// one epoch (quality does not matter here, the model's size does), runs `pixal validate` on the batch (timed as a
// whole), then scores the prepared batch again in this process --repeat times, each stage timed per image: the
// median repeat's wall time, its CPU time (all threads), and the least wall time per image of any call (on a
// machine others load, the nearest to its unloaded speed). Stages, as trainer/validation/detect.ts runs them: model forward (predict and
// download), error map (channel-weighted squared error, background masked, download), reconstruction stats
// (per-channel histograms for the plots), per-pixel normalisation (when the model has an error reference), and
// at crop resolution either the straightforward steps (upsample into a fresh map, image score, pixel histogram)
// or the fused CropPass; then the threshold-dependent second pass (anomalous fraction) and detectType as a whole.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { loadConfig } from '../../trainer/config/load.ts';
import { CropPass } from '../../trainer/detection/crop-pass.ts';
import { errorMaps, weightedErrors } from '../../trainer/detection/error-map.ts';
import { readErrorReferences } from '../../trainer/detection/normalisation-file.ts';
import { normaliseMaps } from '../../trainer/detection/normalisation.ts';
import { PixelHistogram } from '../../trainer/detection/pixel-histogram.ts';
import { ReconstructionStats } from '../../trainer/detection/reconstruction-stats.ts';
import { anomalousFraction, imageScore } from '../../trainer/detection/scores.ts';
import { upsampleBilinear } from '../../trainer/detection/upsample.ts';
import { initBackend } from '../../trainer/model/backend.ts';
import { loadModel } from '../../trainer/model/io.ts';
import { reconstruct } from '../../trainer/model/reconstruct.ts';
import { readPreprocessingMetadata } from '../../trainer/pipeline/features/metadata.ts';
import { isChannelGroup } from '../../trainer/pipeline/features/channels.ts';
import { resolveChannels } from '../../trainer/pipeline/features/options.ts';
import { detectType } from '../../trainer/validation/detect.ts';
import { loadPreparedSet } from '../../trainer/validation/prepared-store.ts';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1920x1080' },
    images: { type: 'string', default: '100' },
    model: { type: 'string' },
    channels: { type: 'string' },
    pool: { type: 'string' },
    align: { type: 'string' },
    repeat: { type: 'string', default: '3' },
    batches: { type: 'string', default: '1,8' },
    set: { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
  },
});

/** The --set list the shortcut flags stand for, then the explicit --set (which win). */
function settings(): string[] {
  const sets: string[] = [];
  if (args.model) sets.push(`model_training.model_kind=${args.model}`);
  if (args.pool) sets.push(`preprocessing.preprocessor.pool_size=${args.pool}`);
  if (args.align) sets.push(`preprocessing.alignment.apply_alignment=${args.align}`);
  if (args.channels) {
    // A set name ("LAB", "ALL") as it is, channel names as a list.
    const channels: string | string[] = args.channels === 'ALL' || isChannelGroup(args.channels) ? args.channels : args.channels.split(',');
    sets.push(`preprocessing.preprocessor.channels=${JSON.stringify(channels)}`);
    if (!args.set.some((s) => s.startsWith('preprocessing.preprocessor.weights='))) {
      sets.push(`preprocessing.preprocessor.weights=${JSON.stringify(resolveChannels(channels as never).map(() => 1))}`);
    }
  }
  return [...sets, ...args.set];
}

const allSets = settings();
const config = loadConfig({ sets: allSets });
const BIN = resolve(import.meta.dirname, '../../trainer/cli/bin.mjs');
const cwd = mkdtempSync(join(tmpdir(), 'pixal-latency-'));
const setFlags = allSets.flatMap((s) => ['--set', s]);
// No MLFLOW_TRACKING_URI: the commands log into <cwd>/mlruns through their own server.
const { MLFLOW_TRACKING_URI: _unused, ...inherited } = process.env;
const env = { ...inherited, PIXAL_MODEL_CACHE: join(cwd, 'models') };

function pixal(argv: string[]): { stdout: string; seconds: number } {
  const start = performance.now();
  const stdout = execFileSync(process.execPath, [BIN, ...argv, '--quiet'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  return { stdout, seconds: (performance.now() - start) / 1000 };
}

const load = () => loadavg()[0]!.toFixed(1);
// Six defect kinds: a batch of ~N images = good + 6 x defective.
const images = Number(args.images);
const defective = Math.max(1, Math.floor(images / 12));
const good = Math.max(1, images - 6 * defective);
console.error(`bench: ${cwd}; ${good + 6 * defective} test images of ${args.size}; ${allSets.join(' ') || 'configuration defaults'}`);
pixal(['synth', '-o', 'data', '--types', 'front', '--train', '12', '--test-good', String(good), '--test-defective', String(defective), '--size', args.size]);
pixal(['preprocess', '-i', 'data/train/flex', ...setFlags]);
const trained = pixal(['train', '-i', 'out/flex', '--set', 'model_training.n_epochs=1', ...setFlags]);
const runId = /run ([0-9a-f]{32})/.exec(trained.stdout)![1]!;
const loadBeforeValidate = load();
const validate = pixal(['validate', '-i', 'data/test/flex', '--run', runId, ...setFlags]);
const loadAfterValidate = load();
const tested = Number(/(\d+) images \(/.exec(validate.stdout)![1]);

// In process: the prepared batch scored again, stage by stage.
await initBackend('cpu');
const modelDir = join(cwd, 'models', runId, 'model');
const { model } = await loadModel(modelDir);
const metadata = await readPreprocessingMetadata(join(modelDir, 'preprocessing', 'front', 'preprocessing.yaml'));
const reference = (await readErrorReferences(modelDir))?.get('front');
const set = await loadPreparedSet(join(cwd, 'validate', 'flex', 'front'), metadata);
const [h, w] = set.shape;
const pixels = h * w;
const channels = set.channels.length;
const n = set.items.length;
const detection = config.detection;
const channelWeights = config.preprocessing.preprocessor.weights;
const normalise = detection.normalisation === 'per_pixel' && reference !== undefined;
const batchSize = 8; // errorMaps' default, what detection runs with
const batches = [...new Set([...args.batches.split(',').map(Number), batchSize])].sort((a, b) => a - b);

/**
 * Per named stage, milliseconds of wall time and of CPU time (all threads of this process) over one repeat, and
 * the least wall time per image of any one call: on a machine others load, the nearest to its unloaded speed.
 */
class Clock {
  readonly wall = new Map<string, number>();
  readonly cpu = new Map<string, number>();
  readonly best = new Map<string, number>();

  time<T>(stage: string, f: () => T, images = 1): T {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = f();
    this.record(stage, performance.now() - start, process.cpuUsage(cpu), images);
    return result;
  }

  async timeAsync<T>(stage: string, f: () => Promise<T>, images = 1): Promise<T> {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const result = await f();
    this.record(stage, performance.now() - start, process.cpuUsage(cpu), images);
    return result;
  }

  private record(stage: string, wall: number, cpu: NodeJS.CpuUsage, images: number): void {
    this.wall.set(stage, (this.wall.get(stage) ?? 0) + wall);
    this.cpu.set(stage, (this.cpu.get(stage) ?? 0) + (cpu.user + cpu.system) / 1000);
    this.best.set(stage, Math.min(this.best.get(stage) ?? Infinity, wall / images));
  }
}

/** One pass of the model over the set in batches of `size`, split into forward, error map and stats. */
async function modelStages(clock: Clock, size: number): Promise<void> {
  const stats = new ReconstructionStats(set.channels);
  const main = size === batchSize; // error map and stats timed in detection's own batch size
  for (let start = 0; start < n; start += size) {
    const count = Math.min(size, n - start);
    const batchImages = set.images.subarray(start * pixels * channels, (start + count) * pixels * channels);
    const batchForeground = set.foreground.subarray(start * pixels, (start + count) * pixels);
    const x = tf.tensor3d(batchImages, [count, pixels, channels]);
    const [predicted, reconstruction] = await clock.timeAsync(`forward ${size}`, async () => {
      const out = tf.tidy(() => reconstruct(model, x, undefined, count));
      return [out, (await out.data()) as Float32Array] as const;
    }, count);
    if (main) {
      const inForeground = tf.tensor2d(batchForeground, [count, pixels]);
      await clock.timeAsync('error map', async () => {
        const map = tf.tidy(() => weightedErrors(predicted, x, channelWeights, inForeground));
        await map.data();
        map.dispose();
      }, count);
      clock.time('reconstruction stats', () => stats.add(batchImages, reconstruction, batchForeground), count);
      inForeground.dispose();
    }
    tf.dispose([x, predicted]);
  }
}

async function repeat(): Promise<Clock> {
  const clock = new Clock();
  for (const size of batches) await modelStages(clock, size);
  // The real function as detection calls it, for the check that the split stages add up.
  const { maps } = await clock.timeAsync('errorMaps', () => errorMaps(model, set.images, n, pixels, channels, { channelWeights, foreground: set.foreground, stats: new ReconstructionStats(set.channels) }), n);
  const normalisation = { epsilonQuantile: detection.normalisation_epsilon_quantile, supportShare: detection.support_share };
  clock.time('normalisation', () => normalise && normaliseMaps(maps, n, reference!, normalisation), n);

  // Each way in a loop of its own, so that the garbage of the fresh crop-sized maps is collected in their own time.
  const straight = new PixelHistogram();
  const fusedPixels = new PixelHistogram();
  const pass = new CropPass();
  const { image_score: method, top_k_percent: percent } = detection;
  const images = set.items.map((item, i) => ({
    map: maps.subarray(i * pixels, (i + 1) * pixels),
    h,
    w,
    cropHeight: item.cropSize.height,
    cropWidth: item.cropSize.width,
    foreground: item.foregroundCrop,
    groundTruth: item.groundTruth,
  }));
  const scores = images.map((image) => {
    const map = clock.time('upsample', () => upsampleBilinear(image.map, h, w, image.cropHeight, image.cropWidth));
    const score = clock.time('image score', () => imageScore(map, image.foreground, method, percent));
    clock.time('pixel histogram', () => straight.add(map, image.groundTruth, image.foreground));
    return score;
  });
  images.forEach((image, i) => {
    const fused = clock.time('fused', () => pass.score(image, fusedPixels, method, percent));
    if (!Object.is(scores[i], fused)) throw new Error(`image ${i}: the fused crop pass scores ${fused}, the straightforward steps ${scores[i]}`);
  });
  // The second pass at some threshold (its value does not change the time): a fresh map as detect.ts, CropPass's buffer.
  images.forEach((image, i) => clock.time('fraction', () => anomalousFraction(upsampleBilinear(image.map, h, w, image.cropHeight, image.cropWidth), image.foreground, scores[i]!)));
  images.forEach((image, i) => clock.time('fraction reused', () => pass.anomalousFraction(image, scores[i]!)));
  if (!(['good', 'defect', 'unlabelled'] as const).every((c) => straight[c].every((v, b) => v === fusedPixels[c][b]))) {
    throw new Error('the fused crop pass counts other pixel histograms than the straightforward steps');
  }
  await clock.timeAsync('detectType', () => detectType({ model, set, channelWeights, options: detection, ...(reference ? { reference } : {}) }), n);
  return clock;
}

const loadBefore = load();
await repeat(); // warm-up: kernels, JIT
const repeats: Clock[] = [];
for (let i = 0; i < Number(args.repeat); i++) repeats.push(await repeat());
const loadAfter = load();
/** Median over the repeats of a sum of stages, ms per image. */
const median = (kind: 'wall' | 'cpu', ...stages: string[]) => {
  const values = repeats.map((c) => stages.reduce((sum, s) => sum + (c[kind].get(s) ?? 0), 0) / n).sort((a, b) => a - b);
  return values[Math.floor((values.length - 1) / 2)]!;
};
/** The least wall time per image of any call, summed over stages. */
const best = (...stages: string[]) => stages.reduce((sum, s) => sum + Math.min(...repeats.map((c) => c.best.get(s) ?? 0)), 0);
const ms = (...stages: string[]) => `${median('wall', ...stages).toFixed(1)} (${median('cpu', ...stages).toFixed(1)}) [${best(...stages).toFixed(1)}]`;
const modelPart = [`forward ${batchSize}`, 'error map', 'reconstruction stats', 'normalisation'];
const crop = set.items[0]!.cropSize;
const overlays = readdirSync(join(cwd, 'validate', 'flex', 'validations')).length;
const kind = config.model_training.model_kind;
const architecture = kind === 'conv' ? `conv ${JSON.stringify(config.model_training.conv_filters)}` : `dense ${JSON.stringify(config.model_training.autoencoder_architecture)}`;

const lines = [
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; ${new Date().toISOString().slice(0, 16)}Z; load average ${loadBefore} → ${loadAfter} during the in-process timing, ${loadBeforeValidate} → ${loadAfterValidate} around validate`,
  `configuration: ${architecture}, channels ${set.channels.join('+')}, pool ${metadata.pool_size}, alignment ${config.preprocessing.alignment.apply_alignment}, image score ${detection.image_score}, normalisation ${normalise ? 'per_pixel' : 'none'}${allSets.length ? ` (${allSets.join(' ')})` : ' (defaults)'}`,
  `images ${args.size}, crop ${crop.width}x${crop.height}, model input ${w}x${h}x${channels}, ${n} images; ms per image: median wall (CPU of all threads) over ${repeats.length} repeats [least wall of any call]:`,
  `  model forward ${batches.map((b) => `batch ${b}: ${ms(`forward ${b}`)}`).join(', ')}`,
  `  error map ${ms('error map')}, reconstruction stats ${ms('reconstruction stats')}, normalisation ${ms('normalisation')}  (errorMaps with stats as a whole: ${ms('errorMaps')})`,
  `  at crop resolution, straightforward: upsample ${ms('upsample')}, image score ${ms('image score')}, pixel histogram ${ms('pixel histogram')}; fused CropPass: ${ms('fused')}`,
  `  second pass (anomalous fraction): ${ms('fraction')} with a fresh map, ${ms('fraction reused')} with CropPass's buffer`,
  `detection per image after preprocessing (forward batch ${batchSize} + error map + stats + normalisation + crop pass): ${ms(...modelPart, 'fused')} fused, ${ms(...modelPart, 'upsample', 'image score', 'pixel histogram')} straightforward; detectType as wired now: ${ms('detectType')}  (target <= 50 ms wall)`,
  `pixal validate on ${tested} images: ${validate.seconds.toFixed(1)} s wall (${((validate.seconds / tested) * 1000).toFixed(0)} ms per image, preprocessing, detection, figures and logging included; ${overlays} validation folder)`,
];
console.log(lines.join('\n'));
if (args.keep) console.log(`kept: ${cwd} (run ${runId})`);
else execFileSync('rm', ['-rf', cwd]);
