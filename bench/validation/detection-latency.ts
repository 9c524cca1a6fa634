// Detection latency: how long `pixal validate` takes per image once the images are preprocessed (model forward,
// error map, upsampling to the crop, image score, pixel histogram), and the whole validate command on a batch of
// new images, at the real photo size. The target: ≤ 50 ms per 1920x1080 image after preprocessing.
//
//   npx tsx bench/validation/detection-latency.ts [--size 1920x1080] [--images 100] [--set key=value ...]
//
// It makes a synthetic flex dataset (front type; training images and a test batch of --images), preprocesses
// and trains one epoch with the configuration's defaults (quality does not matter here, the model's size does),
// runs `pixal validate` on the batch (timed as a whole), then scores the prepared batch again in this process,
// timing each step per image. Every --set applies to preprocessing, training and validation alike.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../trainer/config/load.ts';
import { errorMaps } from '../../trainer/detection/error-map.ts';
import { PixelHistogram } from '../../trainer/detection/pixel-histogram.ts';
import { imageScore } from '../../trainer/detection/scores.ts';
import { upsampleBilinear } from '../../trainer/detection/upsample.ts';
import { initBackend } from '../../trainer/model/backend.ts';
import { loadModel } from '../../trainer/model/io.ts';
import { readPreprocessingMetadata } from '../../trainer/pipeline/features/metadata.ts';
import { loadPreparedSet } from '../../trainer/validation/prepared-store.ts';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1920x1080' },
    images: { type: 'string', default: '100' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const BIN = resolve(import.meta.dirname, '../../trainer/cli/bin.mjs');
const cwd = mkdtempSync(join(tmpdir(), 'pixal-latency-'));
const sets = args.set.flatMap((s) => ['--set', s]);
// No MLFLOW_TRACKING_URI: the commands log into <cwd>/mlruns through their own server.
const { MLFLOW_TRACKING_URI: _unused, ...inherited } = process.env;
const env = { ...inherited, PIXAL_MODEL_CACHE: join(cwd, 'models') };

function pixal(argv: string[]): { stdout: string; seconds: number } {
  const start = performance.now();
  const stdout = execFileSync(process.execPath, [BIN, ...argv, '--quiet'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  return { stdout, seconds: (performance.now() - start) / 1000 };
}

// Six defect kinds: a batch of ~N images = good + 6 x defective.
const images = Number(args.images);
const defective = Math.max(1, Math.floor(images / 12));
const good = Math.max(1, images - 6 * defective);
console.error(`bench: ${cwd}; ${good + 6 * defective} test images of ${args.size}`);
pixal(['synth', '-o', 'data', '--types', 'front', '--train', '12', '--test-good', String(good), '--test-defective', String(defective), '--size', args.size]);
pixal(['preprocess', '-i', 'data/train/flex', ...sets]);
const trained = pixal(['train', '-i', 'out/flex', '--set', 'model_training.n_epochs=1', ...sets]);
const runId = /run ([0-9a-f]{32})/.exec(trained.stdout)![1]!;
const validate = pixal(['validate', '-i', 'data/test/flex', '--run', runId, ...sets]);
const tested = Number(/(\d+) images \(/.exec(validate.stdout)![1]);

// In process: the prepared batch scored again, step by step.
await initBackend('cpu');
const config = loadConfig({ sets: args.set });
const modelDir = join(cwd, 'models', runId, 'model');
const { model } = await loadModel(modelDir);
const metadata = await readPreprocessingMetadata(join(modelDir, 'preprocessing', 'front', 'preprocessing.yaml'));
const set = await loadPreparedSet(join(cwd, 'validate', 'flex', 'front'), metadata);
const [h, w] = set.shape;
const n = set.items.length;
const weights = config.preprocessing.preprocessor.weights;
await errorMaps(model, set.images.subarray(0, h * w * set.channels.length), 1, h * w, set.channels.length, { channelWeights: weights, foreground: set.foreground.subarray(0, h * w) }); // warm-up
let t = performance.now();
const { maps } = await errorMaps(model, set.images, n, h * w, set.channels.length, { channelWeights: weights, foreground: set.foreground });
const forward = (performance.now() - t) / n;
const pixels = new PixelHistogram();
let upsample = 0;
let score = 0;
let histogram = 0;
for (let i = 0; i < n; i++) {
  const item = set.items[i]!;
  t = performance.now();
  const map = upsampleBilinear(maps.subarray(i * h * w, (i + 1) * h * w), h, w, item.cropSize.height, item.cropSize.width);
  upsample += performance.now() - t;
  t = performance.now();
  imageScore(map, item.foregroundCrop, config.detection.image_score, config.detection.top_k_percent);
  score += performance.now() - t;
  t = performance.now();
  pixels.add(map, item.groundTruth, item.foregroundCrop);
  histogram += performance.now() - t;
}
const perImage = forward + (upsample + score + histogram) / n;
const crop = set.items[0]!.cropSize;
const overlays = readdirSync(join(cwd, 'validate', 'flex', 'validations')).length;

const lines = [
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0]!.toFixed(1)}; ${new Date().toISOString().slice(0, 10)}`,
  `images ${args.size}, crop ${crop.width}x${crop.height}, model input ${w}x${h}x${set.channels.length} (${config.model_training.model_kind}, pool ${config.preprocessing.preprocessor.pool_size})`,
  `detection per image after preprocessing: ${perImage.toFixed(1)} ms = model + error map ${forward.toFixed(1)} ms, upsampling ${(upsample / n).toFixed(1)} ms, image score ${(score / n).toFixed(1)} ms, pixel histogram ${(histogram / n).toFixed(1)} ms  (target <= 50 ms)`,
  `pixal validate on ${tested} images: ${validate.seconds.toFixed(1)} s wall (${((validate.seconds / tested) * 1000).toFixed(0)} ms per image, preprocessing, detection, figures and logging included; ${overlays} validation folder)`,
];
console.log(lines.join('\n'));
execFileSync('rm', ['-rf', cwd]);
