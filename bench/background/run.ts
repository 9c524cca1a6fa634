// Background removal benchmark: IoU against rembg's mask (alpha > 127) and time per image, for the
// classical method on the real photo and transformed copies, classical + GrabCut, and the ML networks.
//   npx tsx bench/background/run.ts [--repeat 5] [--no-ml]
// Prints a Markdown table for BENCHMARKS.md ("Background removal").
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { photoVariants } from '../../tests/trainer/pipeline/background/photo-variants.ts';
import type { Image } from '../../trainer/image/image.ts';
import { intersectionOverUnion } from '../../trainer/pipeline/background/binary-mask.ts';
import { removeBackground, type RemoveBackgroundOptions } from '../../trainer/pipeline/background/index.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' }, 'no-ml': { type: 'boolean', default: false } } });
const repeat = Math.max(1, Number(values.repeat));

interface Row {
  method: string;
  image: string;
  iou: number;
  /** Median wall-clock milliseconds per image. */
  wall: number;
  /** Fastest run's CPU milliseconds of this process (main thread and native threads together). */
  cpu: number;
  note?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(method: string, name: string, image: Image, reference: Uint8Array, options: Partial<RemoveBackgroundOptions>, runs: number): Promise<Row> {
  const walls: number[] = [];
  const cpus: number[] = [];
  let iou = 0;
  for (let k = 0; k < runs; k++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    const { mask } = await removeBackground(image, options);
    walls.push(performance.now() - t0);
    cpus.push(cpuMs() - c0);
    iou = intersectionOverUnion(mask, reference);
  }
  return { method, image: `${name} (${image.width}x${image.height})`, iou, wall: median(walls), cpu: Math.min(...cpus) };
}

const variants = await photoVariants();
const rows: Row[] = [];
// One untimed run first, so that JIT compilation is not counted.
await removeBackground(variants[0]!.image, {});
for (const v of variants) {
  rows.push(await measure('classical', v.name, v.image, v.reference, {}, repeat));
  console.error(`classical ${v.name}: done`);
}
const original = variants[0]!;
rows.push(await measure('classical + grabcut', original.name, original.image, original.reference, { grabcut: true }, Math.min(repeat, 3)));
if (!values['no-ml']) {
  for (const model of ['small', 'medium'] as const) {
    // The first run loads the network (an ONNX session); the second shows the cost per further image.
    const cold = await measure(`ml ${model}`, original.name, original.image, original.reference, { method: 'ml', ml_model: model }, 1);
    const warm = await measure(`ml ${model}`, original.name, original.image, original.reference, { method: 'ml', ml_model: model }, 1);
    rows.push({ ...warm, note: `first run (loads the model) ${Math.round(cold.wall)} ms; RSS ${(process.memoryUsage().rss / 2 ** 30).toFixed(1)} GiB after` });
    console.error(`ml ${model}: done`);
  }
}

console.log(`Machine: ${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
console.log(`Date: ${new Date().toISOString().slice(0, 10)}; runs per row: classical ${repeat}, grabcut ${Math.min(repeat, 3)}, ml 1 after a first run\n`);
console.log('| method | image | IoU vs rembg | ms/image (wall, median) | CPU ms (best run) | notes |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.method} | ${r.image} | ${r.iou.toFixed(4)} | ${Math.round(r.wall)} | ${Math.round(r.cpu)} | ${r.note ?? ''} |`);
