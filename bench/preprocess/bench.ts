// Preprocessing throughput at 1920x1080: align + features + pool, our TypeScript against the PIXAL way in
// Python (bench/preprocess/pixal_baseline.py, opencv-python + numpy), alternating in one run.
//
//   npx tsx bench/preprocess/bench.ts [--images 4] [--rounds 2] [--channels LAB_a,LAB_b|ALL] [--no-align]
//                                     [--align-options '{"detection_scale":0.5}']
//
// Inputs: the real flex photo as the reference, and copies of it under small random perspective warps
// (seeded), written to bench/output/preprocess/. Per image, both sides start from the PNG on disk and end
// with the pooled features in memory. The TS side is one thread (worker threads come from the orchestrator);
// OpenCV inside both sides uses its own threads. Wall and CPU time (all threads of the process) are reported.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readImage } from '../../trainer/image/image.ts';
import { alignPrepared, prepareReference } from '../../trainer/pipeline/align/align.ts';
import { AlignmentOptions } from '../../trainer/pipeline/align/options.ts';
import { CHANNEL_NAMES, type ChannelName } from '../../trainer/pipeline/features/channels.ts';
import { foregroundBounds, unionCropBox } from '../../trainer/pipeline/features/crop-box.ts';
import { imageFeatures } from '../../trainer/pipeline/features/image-features.ts';

const PHOTO = '/work/shared/data/pixal-sample/flex_f1_front_raw.jpg';
const PYTHON = resolve('.venv/bin/python');
const BASELINE = resolve('bench/preprocess/pixal_baseline.py');

const { values: args } = parseArgs({
  options: {
    images: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    channels: { type: 'string', default: 'LAB_a,LAB_b' },
    'no-align': { type: 'boolean', default: false },
    /** preprocessing.alignment keys for the TS side (JSON); the config defaults otherwise. */
    'align-options': { type: 'string', default: '{}' },
  },
});
const imageCount = Number(args.images);
const rounds = Number(args.rounds);
const align = !args['no-align'];
const channels: ChannelName[] = args.channels === 'ALL' ? [...CHANNEL_NAMES] : (args.channels.split(',') as ChannelName[]);
const dir = resolve('bench/output/preprocess');
mkdirSync(join(dir, 'work'), { recursive: true });

// Inputs: reference + warped copies (rotation ≤ 2°, shift ≤ 20 px, mild perspective), seed 7.
execFileSync(PYTHON, [
  '-c',
  `import cv2, numpy as np, sys
d, n = sys.argv[1], int(sys.argv[2])
img = cv2.imread(${JSON.stringify(PHOTO)})
cv2.imwrite(d + '/ref.png', img)
h, w = img.shape[:2]
rng = np.random.default_rng(7)
for i in range(n):
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-20, 20, (4, 2)).astype(np.float32)
    cv2.imwrite(f'{d}/img_{i}.png', cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (w, h)))`,
  dir,
  String(imageCount),
]);
const files = Array.from({ length: imageCount }, (_, i) => join(dir, `img_${i}.png`));

interface Times {
  wall: number;
  cpu: number;
}
const clock = (): Times => {
  const c = process.cpuUsage();
  return { wall: performance.now() / 1000, cpu: (c.user + c.system) / 1e6 };
};
const since = (t: Times): Times => {
  const now = clock();
  return { wall: now.wall - t.wall, cpu: now.cpu - t.cpu };
};
const add = (a: Times, b: Times): Times => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu });
const zero = (): Times => ({ wall: 0, cpu: 0 });

// One-off set-up, not timed per image: the reference's keypoints, and the crop box (the images' foreground union).
const alignOptions = AlignmentOptions.parse(JSON.parse(args['align-options']));
const reference = await readImage(join(dir, 'ref.png'), 3);
const prepared = prepareReference(reference, alignOptions);
const box = unionCropBox(await Promise.all(files.map(async (f) => foregroundBounds(await readImage(f, 3), 15))), reference.width, reference.height, 5)!;
const featureOptions = { channels, pool_size: 2, normalisation: 'fixed' as const, bg_threshold: 15 };
const decoded = await Promise.all(files.map((f) => readImage(f, 3)));

async function typescriptRound(): Promise<{ align: Times; features: Times; total: Times }> {
  const sums = { align: zero(), features: zero(), total: zero() };
  for (let i = 0; i < files.length; i++) {
    const t0 = clock();
    let image = await readImage(files[i]!, 3);
    if (align) {
      const { result } = alignPrepared(prepared, image, alignOptions);
      if (!result.warped) throw new Error(`${files[i]}: not aligned (${result.reason})`);
      image = result.warped;
    } else image = decoded[i]!;
    sums.align = add(sums.align, since(t0));
    const t1 = clock();
    imageFeatures(image, box, featureOptions);
    sums.features = add(sums.features, since(t1));
    sums.total = add(sums.total, since(t0));
  }
  const per = (t: Times): Times => ({ wall: t.wall / files.length, cpu: t.cpu / files.length });
  return { align: per(sums.align), features: per(sums.features), total: per(sums.total) };
}

function pythonRound(): { align: Times; features: Times; total: Times; threads: number; cv2: string } {
  const out = execFileSync(
    PYTHON,
    [
      BASELINE,
      '--images', dir,
      '--work', join(dir, 'work'),
      '--channels', args.channels,
      '--crop-box', [box.y_min, box.y_max, box.x_min, box.x_max].join(','),
      ...(align ? [] : ['--no-align']),
    ],
    { encoding: 'utf8' },
  );
  const r = JSON.parse(out) as Record<string, number> & { threads: number; cv2: string };
  const t = (k: string): Times => ({ wall: r[`${k}_wall`]!, cpu: r[`${k}_cpu`]! });
  return { align: t('align'), features: t('features'), total: t('total'), threads: r.threads, cv2: r.cv2 };
}

await typescriptRound(); // warm-up: JIT and OpenCV's first calls
const ts: Awaited<ReturnType<typeof typescriptRound>>[] = [];
const py: ReturnType<typeof pythonRound>[] = [];
for (let r = 0; r < rounds; r++) {
  ts.push(await typescriptRound());
  py.push(pythonRound());
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const stages = (align ? ['align', 'features', 'total'] : ['features']) as ('align' | 'features' | 'total')[];
const label = { align: 'decode + align', features: 'features + pool', total: 'total per image' };
console.log(
  `${files.length} images 1920x1080 x ${rounds} rounds, channels ${channels.length === CHANNEL_NAMES.length ? 'ALL' : channels.join(',')}, pool 2, ` +
    `crop ${box.x_max - box.x_min}x${box.y_max - box.y_min}; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}; ` +
    `Python cv2 ${py[0]!.cv2} with ${py[0]!.threads} threads` +
    (align ? `; TS alignment ${alignOptions.detector}, max_features ${alignOptions.max_features}, detection_scale ${alignOptions.detection_scale}, ${alignOptions.homography_method}` : ''),
);
console.log('stage              TS img/s   PIXAL img/s  ratio   | TS cpu s/img  PIXAL cpu s/img  cpu ratio');
const summary: Record<string, number> = {};
for (const s of stages) {
  const tsWall = median(ts.map((x) => x[s].wall));
  const pyWall = median(py.map((x) => x[s].wall));
  const tsCpu = median(ts.map((x) => x[s].cpu));
  const pyCpu = median(py.map((x) => x[s].cpu));
  summary[`${s}_ratio`] = pyWall / tsWall;
  summary[`${s}_cpu_ratio`] = pyCpu / tsCpu;
  console.log(
    `${label[s].padEnd(18)} ${(1 / tsWall).toFixed(2).padStart(8)} ${(1 / pyWall).toFixed(2).padStart(12)} ${(pyWall / tsWall).toFixed(2).padStart(6)}x` +
      `  | ${tsCpu.toFixed(3).padStart(12)} ${pyCpu.toFixed(3).padStart(16)} ${(pyCpu / tsCpu).toFixed(2).padStart(9)}x`,
  );
}
console.log(JSON.stringify(summary));
