// `pixal synth`: a whole dataset — good training images per type, and a test set of good and defective images
// with masks — written in PIXAL's and MVTec AD's layouts, with a manifest. Samples are computed one after the
// other on this thread (OpenCV may only live on one thread of a process) while sharp encodes the PNGs of the
// previous ones on its own threads.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { baseImageTemplate } from './base-image.ts';
import { baseImageOf, DEFAULT_SIZE, SynthOptions, typesOf, type SynthInput } from './options.ts';
import { isPartType, PART_TYPES, proceduralTemplate } from './part.ts';
import { prepareType, renderSample, type PreparedType, type SampleSpec } from './sample.ts';
import { manifestEntry, writeManifest, writeSample, type Manifest } from './writer.ts';

export class SynthOptionsError extends Error {}

/** Samples being encoded while the next is computed. */
const PENDING_WRITES = 3;

export interface SynthResult {
  root: string;
  manifest: string;
  images: number;
  masks: number;
}

/** Every sample of the dataset, in writing order. */
export function planSamples(options: SynthOptions, types: string[]): SampleSpec[] {
  const specs: SampleSpec[] = [];
  for (const type of types) {
    for (let index = 0; index < options.train; index++) specs.push({ split: 'train', type, defect: null, index });
    for (let index = 0; index < options.testGood; index++) specs.push({ split: 'test', type, defect: null, index });
    for (const defect of options.defects) for (let index = 0; index < options.testDefective; index++) specs.push({ split: 'test', type, defect, index });
  }
  return specs;
}

function isNonEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

async function prepareTypes(options: SynthOptions, types: string[]): Promise<Map<string, PreparedType>> {
  const prepared = new Map<string, PreparedType>();
  for (const type of types) {
    const photo = baseImageOf(options, type);
    let template;
    if (photo) template = await baseImageTemplate(photo, options.size);
    else if (isPartType(type)) template = await proceduralTemplate(type, options.size?.width ?? DEFAULT_SIZE.width, options.size?.height ?? DEFAULT_SIZE.height);
    else throw new SynthOptionsError(`type '${type}': drawn parts are ${PART_TYPES.join(' or ')}; give a photo for other types (--base-image ${type}=FILE)`);
    prepared.set(type, await prepareType(template));
  }
  return prepared;
}

export async function synthesize(input: SynthInput, onProgress?: (done: number, total: number) => void): Promise<SynthResult> {
  const options = SynthOptions.parse(input);
  const types = typesOf(options);
  const root = resolve(options.output);
  for (const split of ['train', 'test']) {
    const dir = join(root, split, options.component);
    if (isNonEmptyDir(dir)) throw new SynthOptionsError(`${dir} already exists and is not empty: choose another output folder or remove it`);
  }
  const prepared = await prepareTypes(options, types);
  const specs = planSamples(options, types);
  const frame = prepared.get(types[0]!)!.template.stage;
  const manifest: Manifest = {
    generator: 'pixal synth',
    seed: options.seed,
    options: manifestOptions(options, frame, types),
    files: [],
  };
  const pending = new Set<Promise<void>>();
  let done = 0;
  let masks = 0;
  onProgress?.(0, specs.length);
  for (const spec of specs) {
    const sample = await renderSample(prepared.get(spec.type)!, spec, options);
    manifest.files.push(manifestEntry(options.component, spec, sample));
    if (sample.mask) masks++;
    const write = writeSample(root, options.component, spec, sample).then(() => {
      pending.delete(write);
      onProgress?.(++done, specs.length);
    });
    // Failures surface through race/all below; this only keeps one failing unobserved from crashing the process.
    write.catch(() => {});
    pending.add(write);
    if (pending.size >= PENDING_WRITES) await Promise.race(pending);
  }
  await Promise.all(pending);
  return { root, manifest: await writeManifest(root, manifest), images: specs.length, masks };
}

/** The `options` a manifest records: what decides the dataset's content (a demo compares them to reuse one). */
export function manifestOptions(options: SynthOptions, size: { width: number; height: number }, types: string[]): Record<string, unknown> {
  return {
    component: options.component,
    train: options.train,
    test_good: options.testGood,
    test_defective: options.testDefective,
    size: `${size.width}x${size.height}`,
    types,
    defects: options.defects,
    defect_scale: options.defectScale,
    base_images: options.baseImages,
  };
}
