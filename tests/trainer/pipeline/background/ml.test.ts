import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Image } from '../../../../trainer/image/image.ts';
import { intersectionOverUnion } from '../../../../trainer/pipeline/background/binary-mask.ts';
import { removeBackground } from '../../../../trainer/pipeline/background/index.ts';
import { alphaMask, RAW_PHOTO, REMBG_OUTPUT } from './photo-variants.ts';

// One run of the real network (@imgly/background-removal-node, small model) on a 480x270 copy of the
// photo: the network always works at 1024x1024, so this costs tens of seconds on two cores.
describe('removeBackground with method ml', () => {
  it('segments the flex with the network shipped in the package', { timeout: 300_000 }, async () => {
    const read = async (file: string, channels: 3 | 4): Promise<Image> => {
      const { data, info } = await sharp(file)[channels === 4 ? 'ensureAlpha' : 'removeAlpha']().resize(480, 270).raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, channels, data: new Uint8Array(data) };
    };
    const image = await read(RAW_PHOTO, 3);
    const reference = alphaMask(await read(REMBG_OUTPUT, 4));
    const { rgba, mask } = await removeBackground(image, { method: 'ml', ml_model: 'small' });
    expect(rgba).toMatchObject({ width: 480, height: 270, channels: 4 });
    expect(mask.every((v) => v === 0 || v === 255)).toBe(true);
    // The flex's centre is foreground and the dark vignette in the corner is not.
    expect(mask[135 * 480 + 240]).toBe(255);
    expect(mask[5 * 480 + 5]).toBe(0);
    // It finds the flex, but also blobs of the lit stage: far from rembg, unlike the classical method.
    const iou = intersectionOverUnion(mask, reference);
    expect(iou).toBeGreaterThan(0.5);
  });
});
