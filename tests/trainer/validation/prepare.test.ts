// Validation preprocessing on a real `pixal synth` set: the training side made by the real `pixal preprocess`
// (in its own process: OpenCV may live on one thread per process, and this file's pool holds it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writePng } from '../../../trainer/image/image.ts';
import { loadPaths, type TypeOutputs } from '../../../trainer/config/paths.ts';
import { Config } from '../../../trainer/config/schema.ts';
import { invert, multiply, project } from '../../../trainer/pipeline/align/homography.ts';
import { buildDataset } from '../../../trainer/pipeline/features/dataset.ts';
import { optionsOf, readPreprocessingMetadata, type PreprocessingMetadata } from '../../../trainer/pipeline/features/metadata.ts';
import { poolMeans } from '../../../trainer/pipeline/features/pool.ts';
import { ALIGNMENT_REFERENCE_FILE } from '../../../trainer/pipeline/preprocess.ts';
import { silentReporter } from '../../../trainer/pipeline/report.ts';
import { WorkerPool } from '../../../trainer/pipeline/workers/pool.ts';
import { readTypeDataset } from '../../../trainer/training/dataset.ts';
import type { ManifestEntry } from '../../../trainer/synth/writer.ts';
import { prepareValidationSet, type PreparedSet } from '../../../trainer/validation/prepare.ts';
import { runPixal } from '../pipeline/component-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'pixal-prepare-'));
const synth = join(root, 'synth');
const testDir = join(synth, 'test', 'flex', 'front');
const paths = loadPaths();
const pool = new WorkerPool(2);

interface Trained {
  config: Config;
  metadata: PreprocessingMetadata;
  reference: string;
}

/** `pixal preprocess` of the synth train folder in its own working directory, alignment on or off. */
async function train(aligned: boolean): Promise<Trained> {
  const cwd = join(root, aligned ? 'aligned' : 'unaligned');
  mkdirSync(cwd);
  const set = `preprocessing.alignment.apply_alignment=${aligned}`;
  const run = await runPixal(['preprocess', '-i', join(synth, 'train', 'flex'), '-j', '1', '--quiet', '--set', set], cwd);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  const metadataDir = join(cwd, 'out', 'flex', 'front', 'metadata');
  return {
    config: Config.parse({ preprocessing: { alignment: { apply_alignment: aligned } } }),
    metadata: await readPreprocessingMetadata(join(metadataDir, 'preprocessing.yaml')),
    reference: join(metadataDir, ALIGNMENT_REFERENCE_FILE),
  };
}

/** validate/flex/<type>/ under its own root, one per case. */
const outputsFor = (name: string): TypeOutputs => paths.withRoot('validate_out_path', join(root, 'validate', name)).outputs('validate', 'flex', 'front');

function prepare(trained: Trained, typeDir: string, out: TypeOutputs): Promise<PreparedSet> {
  const { config, metadata, reference } = trained;
  return prepareValidationSet({ typeDir, out, metadata, referenceFile: reference, preprocessing: config.preprocessing, pool, reporter: silentReporter });
}

const sum = (a: Uint8Array) => a.reduce((s, v) => s + v, 0);

/** Defect pixels of a crop, in the frame the crop was cut from. */
function defectPixels(set: PreparedSet, name: string): [number, number][] {
  const item = set.items.find((i) => i.name === name)!;
  const points: [number, number][] = [];
  item.groundTruth!.forEach((v, i) => v && points.push([item.cropBox.x_min + (i % item.cropSize.width), item.cropBox.y_min + Math.floor(i / item.cropSize.width)]));
  return points;
}

let manifest: ManifestEntry[];
let aligned: Trained;
let unaligned: Trained;

beforeAll(async () => {
  const run = await runPixal(['synth', '-o', synth, '--train', '6', '--test-good', '2', '--test-defective', '1', '--size', '320x180', '--types', 'front', '--seed', '7', '--quiet'], root);
  expect(run.code, run.stderr).toBe(0);
  manifest = (JSON.parse(readFileSync(join(synth, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] }).files;
  [aligned, unaligned] = await Promise.all([train(true), train(false)]);
}, 240_000);

afterAll(() => pool.close());

const DEFECTS = ['bridged_traces', 'cut_trace', 'discolouration', 'missing_pad', 'particle', 'scratch'];

describe.each([
  ['aligned to the stored reference', true],
  ['without alignment', false],
] as const)('prepareValidationSet, %s', (_, withAlignment) => {
  let trained: Trained;
  let out: TypeOutputs;
  let set: PreparedSet;

  beforeAll(async () => {
    trained = withAlignment ? aligned : unaligned;
    out = outputsFor(withAlignment ? 'aligned' : 'unaligned');
    set = await prepare(trained, testDir, out);
  }, 120_000);

  it('labels every image from its folder, in a stable order, and skips none', () => {
    expect(set.skipped).toEqual([]);
    expect(set.problems).toEqual([]);
    expect(set.items.map((i) => [i.name, i.label, i.defect])).toEqual([
      ...DEFECTS.slice(0, 3).map((d) => [`${d}/000.png`, 1, d]),
      ['good/000.png', 0, null],
      ['good/001.png', 0, null],
      ...DEFECTS.slice(3).map((d) => [`${d}/000.png`, 1, d]),
    ]);
  });

  it('produces the training shape, channels and crop size, and the arrays make_input writes for these images and that crop box', async () => {
    const { metadata } = trained;
    expect(set.shape).toEqual(metadata.shape);
    expect(set.channels).toEqual(metadata.channels);
    const [n, p, c] = [set.items.length, metadata.shape[0] * metadata.shape[1], metadata.channels.length];
    expect([set.images.length, set.foreground.length]).toEqual([n * p * c, n * p]);
    for (const item of set.items) expect(item.cropSize).toEqual(metadata.cropped_size);
    if (withAlignment) for (const item of set.items) expect(item.cropBox, 'aligned: the training box, not re-centred').toEqual(metadata.crop_box);

    const reference = join(root, 'reference', withAlignment ? 'aligned' : 'unaligned');
    // Aligned images are in the training frame: the training box as it is; unaligned ones: re-centred per image.
    const box = withAlignment ? { fixedCropBox: metadata.crop_box } : { cropBox: metadata.crop_box };
    await buildDataset({ inputDir: withAlignment ? out.aligned : out.backgroundRemoved, outDir: reference, options: optionsOf(metadata), ...box });
    const expected = await readTypeDataset(reference);
    expect(Buffer.from(set.images.buffer, set.images.byteOffset, set.images.byteLength).equals(Buffer.from(expected.images.buffer, expected.images.byteOffset, expected.images.byteLength))).toBe(true);
    expect(Buffer.from(set.foreground.buffer, set.foreground.byteOffset, set.foreground.byteLength).equals(Buffer.from(expected.mask.buffer, expected.mask.byteOffset, expected.mask.byteLength))).toBe(true);
    expect(existsSync(set.datasetFile)).toBe(true);
  });

  it("gives each image its own crop (PNG, foreground) where make_input cut the model's input from", async () => {
    const { pool_size: pool, shape } = trained.metadata;
    const pixels = shape[0] * shape[1];
    for (const [k, item] of set.items.entries()) {
      const png = await sharp(item.croppedFile).metadata();
      expect([png.width, png.height]).toEqual([item.cropSize.width, item.cropSize.height]);
      // Wherever the pooled foreground is all or nothing, the crop's foreground must say the same pixel by pixel.
      const pooled = poolMeans(item.foregroundCrop, item.cropSize.width, item.cropSize.height, pool);
      const fraction = set.foreground.subarray(k * pixels, (k + 1) * pixels);
      let decided = 0;
      for (let i = 0; i < pixels; i++) {
        if (fraction[i] === 1 || fraction[i] === 0) {
          expect(pooled[i], `${item.name} pixel ${i}`).toBe(fraction[i]);
          decided++;
        }
      }
      expect(decided).toBeGreaterThan(pixels / 2);
      expect(sum(item.foregroundCrop)).toBeGreaterThan(item.foregroundCrop.length / 4);
    }
  });

  it('carries each defect mask through the same warp and crop: the defect lands where the synth put it', () => {
    const poseOf = (file: string) => manifest.find((m) => m.file === file)!;
    // The reference is the first training image: image → reference = its pose · (this image's pose)⁻¹.
    const referencePose = poseOf('train/flex/front/000.png').pose.homography;
    let found = 0;
    let expected = 0;
    for (const defect of DEFECTS) {
      const entry = poseOf(`test/flex/front/${defect}/000.png`);
      const toFrame = withAlignment ? multiply(referencePose, invert(entry.pose.homography)) : [1, 0, 0, 0, 1, 0, 0, 0, 1];
      const [x0, y0, x1, y1] = entry.mask_box!;
      const corners = [project(toFrame, x0, y0), project(toFrame, x1, y0), project(toFrame, x1, y1), project(toFrame, x0, y1)];
      const tolerance = withAlignment ? 2 : 0; // the estimated homography is within about a pixel of the true one
      const [minX, maxX] = [Math.min(...corners.map((c) => c[0])) - tolerance, Math.max(...corners.map((c) => c[0])) + tolerance];
      const [minY, maxY] = [Math.min(...corners.map((c) => c[1])) - tolerance, Math.max(...corners.map((c) => c[1])) + tolerance];
      const points = defectPixels(set, `${defect}/000.png`);
      expect(points.length, defect).toBeGreaterThan(0);
      for (const [x, y] of points) expect(x >= minX && x <= maxX && y >= minY && y <= maxY, `${defect} pixel ${x},${y} outside ${minX}..${maxX} x ${minY}..${maxY}`).toBe(true);
      if (!withAlignment) expect(points.length, defect).toBe(entry.mask_area);
      found += points.length;
      expected += entry.mask_area!;
    }
    expect(Math.abs(found - expected)).toBeLessThanOrEqual(expected * 0.25);
    for (const item of set.items.filter((i) => i.label === 0)) {
      expect(item.groundTruth).toHaveLength(item.cropSize.width * item.cropSize.height);
      expect(sum(item.groundTruth!)).toBe(0);
    }
  });
});

describe('prepareValidationSet with bad files', () => {
  it('skips a corrupt image and an image whose mask has another size, keeps a defect without its mask, and prepares the rest', async () => {
    const dir = join(root, 'bad', 'front');
    cpSync(testDir, dir, { recursive: true });
    writeFileSync(join(dir, 'good', '002.png'), readFileSync(join(dir, 'good', '000.png')).subarray(0, 400));
    await writePng(join(dir, 'ground_truth', 'scratch', '000_mask.png'), { width: 640, height: 360, channels: 1, data: new Uint8Array(640 * 360) });
    rmSync(join(dir, 'ground_truth', 'particle', '000_mask.png'));

    const set = await prepare(aligned, dir, outputsFor('bad'));
    expect(set.skipped.map((s) => [s.file.slice(dir.length + 1), s.step, s.reason.replace(/\(.*/, '')])).toEqual([
      ['scratch/000.png', 'ground_truth', 'mask 640x360 does not match image 320x180'],
      ['good/002.png', 'remove_bg', 'cannot read image '],
    ]);
    expect(set.problems.map((p) => p.file.slice(dir.length + 1))).toEqual(['particle/000.png']);
    expect(set.items.map((i) => i.name)).toEqual(['bridged_traces/000.png', 'cut_trace/000.png', 'discolouration/000.png', 'good/000.png', 'good/001.png', 'missing_pad/000.png', 'particle/000.png']);
    expect(set.items.find((i) => i.name === 'particle/000.png')).toMatchObject({ label: 1, maskFile: null, groundTruth: null });
    expect(set.images.length).toBe(7 * valuesPerImage(aligned));
  }, 120_000);

  it('fails with the folder named when no image can be prepared', async () => {
    const dir = join(root, 'hopeless', 'front');
    mkdirSync(join(dir, 'good'), { recursive: true });
    writeFileSync(join(dir, 'good', '000.png'), 'not a png');
    await expect(prepare(aligned, dir, outputsFor('hopeless'))).rejects.toThrow(`${dir}: none of the 1 images could be prepared (`);
    mkdirSync(join(root, 'empty', 'front'), { recursive: true });
    await expect(prepare(aligned, join(root, 'empty', 'front'), outputsFor('empty'))).rejects.toThrow(`${join(root, 'empty', 'front')}: no images to validate`);
  }, 60_000);

  it('refuses to go on without the reference of a model trained on aligned images', async () => {
    const { config, metadata } = aligned;
    await expect(prepareValidationSet({ typeDir: testDir, out: outputsFor('noref'), metadata, preprocessing: config.preprocessing, pool, reporter: silentReporter })).rejects.toThrow(
      'the model was trained on aligned images, but no alignment reference was given',
    );
  });
});

/** Values per image of a dataset made with this training metadata. */
function valuesPerImage({ metadata }: Trained): number {
  return metadata.shape[0] * metadata.shape[1] * metadata.channels.length;
}
