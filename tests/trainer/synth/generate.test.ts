// A small dataset generated for real (480x270): its layout, its masks, its determinism, and how it compares
// with the real photo.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImage } from '../../../trainer/image/image.ts';
import { dilate } from '../../../trainer/pipeline/background/binary-mask.ts';
import { DEFECT_KINDS } from '../../../trainer/synth/defects/index.ts';
import { synthesize } from '../../../trainer/synth/generate.ts';
import type { Manifest } from '../../../trainer/synth/writer.ts';
import { foregroundOf, hashFiles, hueDistance, listFiles, readMask, realPhoto, regionColours } from './dataset-fixture.ts';

const W = 480;
const H = 270;
const options = { size: { width: W, height: H }, train: 2, testGood: 1, testDefective: 1, seed: 5 };

describe('pixal synth: a small dataset', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'pixal-synth-'));
  const first = join(tmp, 'a');
  const again = join(tmp, 'b');
  const reseeded = join(tmp, 'c');
  beforeAll(async () => {
    await synthesize({ output: first, ...options });
    await synthesize({ output: again, ...options });
    await synthesize({ output: reseeded, ...options, seed: 6 });
  }, 120_000);

  it('writes PIXAL training folders and the MVTec AD test layout, and a manifest', () => {
    const expected = ['manifest.json'];
    for (const type of ['back', 'front']) {
      expected.push(`train/flex/${type}/000.png`, `train/flex/${type}/001.png`, `test/flex/${type}/good/000.png`);
      for (const kind of DEFECT_KINDS) expected.push(`test/flex/${type}/${kind}/000.png`, `test/flex/${type}/ground_truth/${kind}/000_mask.png`);
    }
    expect(listFiles(first)).toEqual(expected.sort());
    const manifest = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.seed).toBe(5);
    expect(manifest.options).toMatchObject({ component: 'flex', size: '480x270', types: ['front', 'back'], train: 2 });
    expect(manifest.files).toHaveLength(expected.filter((f) => f.endsWith('.png') && !f.includes('ground_truth')).length);
    for (const entry of manifest.files) {
      expect(listFiles(first)).toContain(entry.file);
      // Good images have no mask; defective ones name theirs.
      expect(entry.mask).toBe(entry.defect ? entry.file.replace(`/${entry.defect}/`, `/ground_truth/${entry.defect}/`).replace('.png', '_mask.png') : null);
      expect(entry.pose.homography).toHaveLength(9);
    }
  });

  it('gives every defect a binary mask of the image size, not empty, on the part', async () => {
    for (const file of listFiles(first).filter((f) => f.includes('ground_truth'))) {
      const mask = await readMask(join(first, file));
      const image = await readImage(join(first, file.replace('ground_truth/', '').replace('_mask.png', '.png')));
      expect([mask.width, mask.height]).toEqual([image.width, image.height]);
      const values = new Set(mask.data);
      expect([...values].sort((a, b) => a - b), file).toEqual([0, 255]);
      // On the part as the pipeline's own background removal finds it (its outline may sit a pixel or two inside).
      const part = dilate(await foregroundOf(image), W, H, 2);
      const off = mask.data.reduce((n, v, i) => n + (v && !part[i] ? 1 : 0), 0);
      expect(off, `${file}: mask pixels off the part`).toBe(0);
    }
  });

  it('is byte-identical for the same seed and options, and differs for another seed', () => {
    const a = hashFiles(first);
    const b = hashFiles(again);
    const c = hashFiles(reseeded);
    expect(b).toEqual(a);
    for (const [file, hash] of a) if (file.endsWith('.png') && !file.includes('ground_truth')) expect(c.get(file), file).not.toBe(hash);
  });

  it('looks like the real photo: a pink stage and a yellow-green part, in hue and brightness', async () => {
    const real = await realPhoto(W, H);
    const reference = regionColours(real.image, real.foreground);
    const files = listFiles(first).filter((f) => f.startsWith('train/') || f.includes('/good/'));
    for (const file of files) {
      const image = await readImage(join(first, file));
      const { part, stage } = regionColours(image, await foregroundOf(image));
      expect(hueDistance(stage.hue, reference.stage.hue), `${file}: stage hue ${stage.hue.toFixed(1)} vs ${reference.stage.hue.toFixed(1)}`).toBeLessThan(6);
      expect(Math.abs(stage.value - reference.stage.value), file).toBeLessThan(25);
      // The back is the warmer, ground-plane side of the same flex.
      const tolerance = file.includes('/front/') ? 8 : 16;
      expect(hueDistance(part.hue, reference.part.hue), `${file}: part hue ${part.hue.toFixed(1)} vs ${reference.part.hue.toFixed(1)}`).toBeLessThan(tolerance);
      expect(Math.abs(part.value - reference.part.value), file).toBeLessThan(30);
    }
  });
});

describe('pixal synth --defect-scale', () => {
  it('draws the same defects smaller, and records the scale in the manifest', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'pixal-synth-scale-'));
    const small = { size: { width: 960, height: 540 }, types: ['front'], train: 0, testGood: 0, testDefective: 3, defects: ['scratch', 'particle'] as const, seed: 3 };
    const areas = async (defectScale: number) => {
      const root = join(tmp, String(defectScale));
      await synthesize({ output: root, ...small, defects: [...small.defects], defectScale });
      const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest.options).toMatchObject({ defect_scale: defectScale });
      return manifest.files.map((entry) => entry.mask_area!);
    };
    const plain = await areas(1);
    const halved = await areas(0.5);
    expect(halved).toHaveLength(plain.length);
    // Half the lengths and widths: about a quarter of the area (less than half even where a width is clamped to a pixel).
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(halved)).toBeLessThan(0.5 * sum(plain));
    expect(Math.min(...halved)).toBeGreaterThan(0);
  }, 120_000);
});
