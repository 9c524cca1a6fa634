// One-hot mode trains one model on every type, so zero pruning must give every type one crop size: the real CLI
// on `pixal synth` photos, where front and back parts have union boxes of different heights.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import YAML from 'yaml';
import { loadConfig } from '../../../trainer/config/load.ts';
import { loadTrainingUnits, ONE_HOT_LABEL } from '../../../trainer/runs/datasets.ts';
import type { CropBox } from '../../../trainer/pipeline/features/crop-box.ts';
import { runPixal, type CliRun } from './component-fixture.ts';

const TYPES = ['back', 'front'];
const POOL = 'preprocessing.preprocessor.pool_size=4';
// On by default; SIFT finds too few keypoints on these tiny images to align them.
const NO_ALIGNMENT = 'preprocessing.alignment.apply_alignment=false';
const ONE_HOT = 'model_training.one_hot_encoding=true';

interface Metadata {
  crop_box: CropBox;
  image_size: { height: number; width: number };
  shape: [number, number];
}

const metadataOf = (typeDir: string) => YAML.parse(readFileSync(join(typeDir, 'metadata/preprocessing.yaml'), 'utf8')) as Metadata;
const sizeOf = (b: CropBox) => ({ height: b.y_max - b.y_min, width: b.x_max - b.x_min });
const contains = (outer: CropBox, inner: CropBox) =>
  outer.y_min <= inner.y_min && outer.y_max >= inner.y_max && outer.x_min <= inner.x_min && outer.x_max >= inner.x_max;

/** Whether numpy finds the same `data` array in two .npz files. */
function sameData(a: string, b: string): boolean {
  const script = 'import sys, numpy as np\nprint(np.array_equal(np.load(sys.argv[1])["data"], np.load(sys.argv[2])["data"]))';
  return execFileSync('.venv/bin/python', ['-c', script, a, b], { encoding: 'utf8' }).trim() === 'True';
}

describe('pixal preprocess / make_input / train in one-hot mode with zero pruning', () => {
  const root = mkdtempSync(join(tmpdir(), 'pixal-one-hot-'));
  const component = join(root, 'data/train/flex');
  const perType = join(root, 'per-type');
  const oneHot = join(root, 'one-hot');
  const runs: Record<string, CliRun> = {};

  beforeAll(async () => {
    // missing_pad defects find no room on parts this small; the training images need none.
    const synth = await runPixal(['synth', '-o', 'data', '--train', '8', '--test-good', '1', '--test-defective', '1', '--size', '160x90', '--defects', 'scratch', '--quiet'], root);
    expect(synth.code, synth.stderr).toBe(0);
    mkdirSync(perType);
    mkdirSync(oneHot);
    runs.perType = await runPixal(['preprocess', '-i', component, '--quiet', '--set', POOL, '--set', NO_ALIGNMENT], perType);
    runs.oneHot = await runPixal(['preprocess', '-i', component, '--quiet', '--set', POOL, '--set', NO_ALIGNMENT, '--set', ONE_HOT], oneHot);
    runs.makeInput = await runPixal(['make_input', '-i', component, '-o', 'made', '--quiet', '--set', POOL, '--set', NO_ALIGNMENT, '--set', ONE_HOT], oneHot);
  }, 180_000);

  it('per-type mode keeps each type its own union box, so the shapes differ (the case one-hot must handle)', () => {
    expect(runs.perType!.code, runs.perType!.stderr).toBe(0);
    const [back, front] = TYPES.map((t) => metadataOf(join(perType, 'out/flex', t)));
    expect(back!.shape).not.toEqual(front!.shape);
  });

  it('one-hot preprocessing cuts every type to the largest box height and width, each box around its own part', () => {
    expect(runs.oneHot!.code, runs.oneHot!.stderr).toBe(0);
    const own = TYPES.map((t) => metadataOf(join(perType, 'out/flex', t)));
    const shared = TYPES.map((t) => metadataOf(join(oneHot, 'out/flex', t)));
    const size = {
      height: Math.max(...own.map((m) => sizeOf(m.crop_box).height)),
      width: Math.max(...own.map((m) => sizeOf(m.crop_box).width)),
    };
    for (const [i, m] of shared.entries()) {
      expect(sizeOf(m.crop_box)).toEqual(size);
      expect(m.shape).toEqual([Math.floor(size.height / 4), Math.floor(size.width / 4)]);
      expect(contains(m.crop_box, own[i]!.crop_box), `${TYPES[i]}: ${JSON.stringify(m.crop_box)} holds ${JSON.stringify(own[i]!.crop_box)}`).toBe(true);
      expect(m.crop_box.y_max).toBeLessThanOrEqual(m.image_size.height);
      expect(m.crop_box.x_max).toBeLessThanOrEqual(m.image_size.width);
    }
    // The boxes keep their own positions: the parts do not sit alike.
    expect(shared[0]!.crop_box).not.toEqual(shared[1]!.crop_box);
    // A type whose own box already had the shared size is cut exactly as in per-type mode.
    const unchanged = own.findIndex((m) => sizeOf(m.crop_box).height === size.height && sizeOf(m.crop_box).width === size.width);
    expect(unchanged).toBeGreaterThanOrEqual(0);
    expect(shared[unchanged]!.crop_box).toEqual(own[unchanged]!.crop_box);
    const file = (dir: string) => join(dir, 'out/flex', TYPES[unchanged]!, 'out.npz');
    expect(sameData(file(perType), file(oneHot))).toBe(true);
  });

  it('pixal make_input -i <component> gives every type one shape too', () => {
    expect(runs.makeInput!.code, runs.makeInput!.stderr).toBe(0);
    const [back, front] = TYPES.map((t) => metadataOf(join(oneHot, 'made', t)));
    expect(sizeOf(back!.crop_box)).toEqual(sizeOf(front!.crop_box));
    expect(back!.shape).toEqual(front!.shape);
  });

  it('pixal train loads both types as one unit and trains one model', async () => {
    const config = loadConfig({ sets: [POOL, NO_ALIGNMENT, ONE_HOT] });
    const units = await loadTrainingUnits(join(oneHot, 'out/flex'), config);
    expect(units.map((u) => [u.label, u.dirs.length])).toEqual([[ONE_HOT_LABEL, 2]]);
    const train = await runPixal(
      ['train', '-i', 'out/flex', '--set', POOL, '--set', NO_ALIGNMENT, '--set', ONE_HOT, '--set', 'model_training.n_epochs=2', '--set', 'model_training.autoencoder_architecture=[16,4]'],
      oneHot,
    );
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/one_hot: FINISHED, 2 epochs/);
    const runs = readdirSync(join(oneHot, 'out/flex/one_hot/model'));
    expect(runs).toHaveLength(1);
    // one error reference per type the model serves, for detection's per-pixel normalisation
    const reference = JSON.parse(readFileSync(join(oneHot, 'out/flex/one_hot/model', runs[0]!, 'artifacts/model/error_reference/reference.json'), 'utf8')) as { types: object };
    expect(Object.keys(reference.types).sort()).toEqual(TYPES);
  }, 120_000);

  it('a type whose images are smaller than the shared size fails by name; a type with no images stops no one', async () => {
    const mixed = join(root, 'mixed');
    for (const type of ['front', 'back', 'side']) mkdirSync(join(mixed, type), { recursive: true });
    for (const name of readdirSync(join(component, 'front')).slice(0, 3)) {
      await sharp(join(component, 'front', name)).toFile(join(mixed, 'front', name));
      await sharp(join(component, 'back', name.replace('front', 'back'))).resize(80, 45).toFile(join(mixed, 'back', name.replace('front', 'back')));
    }
    const run = await runPixal(['make_input', '-i', mixed, '-o', 'mixed-out', '--quiet', '--set', ONE_HOT], root);
    expect(run.code, run.stderr).toBe(0); // a dataset was made
    expect(run.stdout).toContain('make_input mixed: 1 of 3 types produced a dataset');
    expect(run.stdout).toMatch(/front: 3 of 3 images -> /);
    expect(run.stdout).toMatch(/back: failed: one-hot mode cuts every type to one size, \d+x\d+ \(the largest crop box over .*front: \d+x\d+ box in 160x90 images.*\), but the back images are only 80x45/);
    expect(run.stdout).toMatch(/side: failed: .*no images/);
    expect(existsSync(join(root, 'mixed-out/back/out.npz'))).toBe(false);
  });
});
