// Parts cut out of the real photo: good variants at new poses over a stage painted where the part was, and
// the same defects, inside the part.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImage } from '../../../trainer/image/image.ts';
import { dilate } from '../../../trainer/pipeline/background/binary-mask.ts';
import { hsvPlanes } from '../../../trainer/pipeline/background/colour.ts';
import { DEFECT_KINDS } from '../../../trainer/synth/defects/index.ts';
import { synthesize } from '../../../trainer/synth/generate.ts';
import { foregroundOf, hashFiles, hueDistance, listFiles, RAW_PHOTO, readMask, realPhoto, regionColours } from './dataset-fixture.ts';

const W = 480;
const H = 270;

describe('pixal synth --base-image', () => {
  const root = join(mkdtempSync(join(tmpdir(), 'pixal-synth-base-')), 'data');
  beforeAll(async () => {
    await synthesize({ output: root, baseImages: { '*': RAW_PHOTO }, size: { width: W, height: H }, train: 3, testGood: 1, testDefective: 1, seed: 2 });
  }, 120_000);

  it('makes the front type from the photo, in the same layout', () => {
    const expected = ['manifest.json', 'train/flex/front/000.png', 'train/flex/front/001.png', 'train/flex/front/002.png', 'test/flex/front/good/000.png'];
    for (const kind of DEFECT_KINDS) expected.push(`test/flex/front/${kind}/000.png`, `test/flex/front/ground_truth/${kind}/000_mask.png`);
    expect(listFiles(root)).toEqual(expected.sort());
  });

  it('varies the pose and exposure of good parts, which keep the photo\'s colours', async () => {
    const hashes = [...hashFiles(root).entries()].filter(([f]) => f.startsWith('train/')).map(([, h]) => h);
    expect(new Set(hashes).size).toBe(3);
    const real = await realPhoto(W, H);
    const reference = regionColours(real.image, real.foreground);
    for (const file of listFiles(root).filter((f) => f.startsWith('train/'))) {
      const image = await readImage(join(root, file));
      const foreground = await foregroundOf(image);
      const { part, stage } = regionColours(image, foreground);
      expect(hueDistance(part.hue, reference.part.hue), file).toBeLessThan(5);
      expect(hueDistance(stage.hue, reference.stage.hue), file).toBeLessThan(5);
      // Where the photo had the part and this pose does not, the stage shows: pink and bright, not a hole.
      const hsv = hsvPlanes(image);
      const uncovered: number[] = [];
      const moved = dilate(foreground, W, H, 3);
      for (let i = 0; i < W * H; i++) if (real.foreground[i] && !moved[i]) uncovered.push(i);
      expect(uncovered.length, file).toBeGreaterThan(50);
      const bright = uncovered.filter((i) => hsv.value[i]! > 180 && hueDistance(hsv.hue[i]!, reference.stage.hue) < 15).length;
      expect(bright / uncovered.length, `${file}: painted-out stage`).toBeGreaterThan(0.95);
    }
  });

  it('draws every kind of defect inside the photographed part', async () => {
    for (const kind of DEFECT_KINDS) {
      const image = await readImage(join(root, `test/flex/front/${kind}/000.png`));
      const mask = await readMask(join(root, `test/flex/front/ground_truth/${kind}/000_mask.png`));
      const part = dilate(await foregroundOf(image), W, H, 2);
      const on = mask.data.filter((v) => v === 255).length;
      expect(on, kind).toBeGreaterThan(0);
      expect(mask.data.every((v, i) => v === 0 || (v === 255 && part[i])), kind).toBe(true);
    }
  });
});
