import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readImage, writePng, type Image } from '../../../../trainer/image/image.ts';
import { intersectionOverUnion } from '../../../../trainer/pipeline/background/binary-mask.ts';
import { BackgroundRemovalError, removeBackground } from '../../../../trainer/pipeline/background/index.ts';
import { alphaMask, RAW_PHOTO, REMBG_OUTPUT } from './photo-variants.ts';

/** The real photo and rembg's mask at half size, to keep GrabCut's test short. */
async function halfPhoto(): Promise<{ image: Image; reference: Uint8Array }> {
  const resize = async (file: string, channels: 3 | 4) => {
    const { data, info } = await sharp(file)[channels === 4 ? 'ensureAlpha' : 'removeAlpha']()
      .resize(960, 540)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels, data: new Uint8Array(data) } as Image;
  };
  return { image: await resize(RAW_PHOTO, 3), reference: alphaMask(await resize(REMBG_OUTPUT, 4)) };
}

describe('removeBackground', () => {
  let photo: Image;
  beforeAll(async () => {
    photo = await readImage(RAW_PHOTO);
  });

  it('defaults to the classical method and returns RGBA with alpha 0 outside the part', async () => {
    const { rgba, mask } = await removeBackground(photo, {});
    expect(rgba).toMatchObject({ width: photo.width, height: photo.height, channels: 4 });
    let inside = 0;
    let alphaDiffers = 0;
    for (let i = 0; i < mask.length; i++) {
      if (rgba.data[4 * i + 3] !== mask[i]) alphaDiffers++;
      if (mask[i]) inside++;
    }
    expect(alphaDiffers).toBe(0);
    expect(inside / mask.length).toBeGreaterThan(0.15);
    expect(inside / mask.length).toBeLessThan(0.21);
    // Colours are the input's, untouched.
    const centre = (photo.height / 2) * photo.width + photo.width / 2;
    expect(Array.from(rgba.data.subarray(4 * centre, 4 * centre + 3))).toEqual(Array.from(photo.data.subarray(3 * centre, 3 * centre + 3)));
    // Written as PIXAL's `<stem>_no_bg.png`, the background reads back transparent.
    const file = 'tests/output/flex_f1_front_raw_no_bg.png';
    await writePng(file, rgba);
    const back = await readImage(file, 4);
    expect(back.data[3]).toBe(0);
    expect(back.data[4 * centre + 3]).toBe(255);
  });

  it('grabcut refines the classical mask with OpenCV and stays close to rembg', async () => {
    const { image, reference } = await halfPhoto();
    const plain = await removeBackground(image, { grabcut: false });
    const refined = await removeBackground(image, { grabcut: true });
    expect(intersectionOverUnion(plain.mask, reference)).toBeGreaterThanOrEqual(0.98);
    // GrabCut moves the outline to the colour edge inside the part's dark rim, rembg keeps half that rim.
    const iou = intersectionOverUnion(refined.mask, reference);
    expect(iou).toBeGreaterThanOrEqual(0.94);
    expect(refined.mask).not.toEqual(plain.mask);
  });

  it('rejects bad options before any work, and images without a part with a BackgroundRemovalError', async () => {
    await expect(removeBackground(photo, { method: 'rembg' } as never)).rejects.toThrow(/method/);
    const pink: Image = { width: 64, height: 48, channels: 3, data: new Uint8Array(64 * 48 * 3).map((_, i) => [250, 120, 110][i % 3]!) };
    await expect(removeBackground(pink, {})).rejects.toBeInstanceOf(BackgroundRemovalError);
  });
});
