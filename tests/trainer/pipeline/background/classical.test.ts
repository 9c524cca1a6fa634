import { beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '../../../../trainer/image/image.ts';
import { intersectionOverUnion } from '../../../../trainer/pipeline/background/binary-mask.ts';
import { classicalMask } from '../../../../trainer/pipeline/background/classical.ts';
import { BackgroundRemovalError } from '../../../../trainer/pipeline/background/errors.ts';
import { photoVariants, type PhotoVariant } from './photo-variants.ts';
import { scene } from './scene.ts';

function uniform(rgb: [number, number, number], width = 320, height = 240): Image {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3]!;
  return { width, height, channels: 3, data };
}

describe('classicalMask on the real flex photo', () => {
  let variants: PhotoVariant[];
  beforeAll(async () => {
    variants = await photoVariants();
  });

  it('matches rembg (alpha > 127) with IoU >= 0.98', () => {
    const { image, reference } = variants[0]!;
    const mask = classicalMask(image);
    expect(mask.length).toBe(image.width * image.height);
    expect(mask.every((v) => v === 0 || v === 255)).toBe(true);
    expect(intersectionOverUnion(mask, reference)).toBeGreaterThanOrEqual(0.98);
  });

  it('stays above 0.97 under exposure, white balance, rotation, noise and resolution changes', () => {
    const scores = variants.slice(1).map((v) => [v.name, intersectionOverUnion(classicalMask(v.image), v.reference)] as const);
    expect(scores.length).toBe(7);
    for (const [name, iou] of scores) expect(iou, name).toBeGreaterThanOrEqual(0.97);
  });
});

describe('classicalMask on procedural scenes (stage colour estimated, not assumed)', () => {
  const cases: [string, [number, number, number], [number, number, number]][] = [
    ['pink stage, yellow-green part', [255, 125, 115], [140, 150, 25]],
    ['cyan stage, orange part', [90, 200, 240], [230, 140, 40]],
    ['dim magenta stage, green part', [150, 40, 140], [40, 130, 60]],
  ];
  for (const [name, stage, part] of cases) {
    it(name, () => {
      const { image, truth } = scene({ stage, part });
      expect(intersectionOverUnion(classicalMask(image), truth)).toBeGreaterThanOrEqual(0.98);
    });
  }
});

describe('classicalMask refuses images it cannot segment, saying why', () => {
  const refusal = (image: Image) => {
    try {
      classicalMask(image);
    } catch (err) {
      expect(err).toBeInstanceOf(BackgroundRemovalError);
      return (err as Error).message;
    }
    throw new Error('expected a BackgroundRemovalError');
  };

  it('one colour everywhere: a stage but no part', () => {
    expect(refusal(uniform([250, 120, 110]))).toMatch(/^no part found on the stage/);
  });

  it('grey everywhere: no coloured stage', () => {
    expect(refusal(uniform([128, 128, 128]))).toMatch(/^no coloured back-lit stage/);
  });

  it('black everywhere: no stage at all', () => {
    expect(refusal(uniform([3, 2, 4]))).toMatch(/^no back-lit stage: the image is nearly black/);
  });

  it('an empty lit stage with vignette and noise: no part', () => {
    const { image } = scene({ stage: [255, 125, 115], part: [255, 125, 115] });
    expect(refusal(image)).toMatch(/^no part found on the stage/);
  });

  it('a grey (one-channel) image', () => {
    expect(refusal({ width: 4, height: 4, channels: 1, data: new Uint8Array(16) })).toMatch(/needs a colour \(RGB\) image/);
  });
});
