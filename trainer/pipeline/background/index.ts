// Background removal, step 1 of the image pipeline: the part's mask and an RGBA copy of the image whose
// alpha is 0 outside it (PIXAL's `<stem>_no_bg.png`). Pure on decoded images, so it runs in worker threads.
import type { Image } from '../../image/image.ts';
import { classicalMask } from './classical.ts';
import { refineWithGrabCut } from './grabcut.ts';
import { mlMask } from './ml.ts';
import { RemoveBackgroundOptions } from './options.ts';

export { BackgroundRemovalError } from './errors.ts';
export { RemoveBackgroundOptions } from './options.ts';

export interface BackgroundRemoval {
  /** The image with alpha 255 on the part and 0 elsewhere (4 channels). */
  rgba: Image;
  /** 255 on the part, 0 elsewhere; width x height bytes. */
  mask: Uint8Array;
}

/**
 * Removes the background of one image. Throws BackgroundRemovalError when it cannot (no stage, no part);
 * the caller adds the file's name. Options are validated here, so `{}` means all defaults.
 */
export async function removeBackground(image: Image, options: Partial<RemoveBackgroundOptions> = {}): Promise<BackgroundRemoval> {
  const { method, grabcut, ml_model } = RemoveBackgroundOptions.parse(options);
  let mask: Uint8Array;
  if (method === 'ml') mask = await mlMask(image, ml_model);
  else {
    mask = classicalMask(image);
    if (grabcut) mask = await refineWithGrabCut(image, mask);
  }
  return { rgba: cutOut(image, mask), mask };
}

/** RGBA copy of the image with the mask as alpha (grey images are spread to RGB). */
export function cutOut(image: Image, mask: Uint8Array): Image {
  const n = image.width * image.height;
  const data = new Uint8Array(n * 4);
  const c = image.channels;
  const g = c >= 3 ? 1 : 0;
  const b = c >= 3 ? 2 : 0;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    data[4 * i] = image.data[s]!;
    data[4 * i + 1] = image.data[s + g]!;
    data[4 * i + 2] = image.data[s + b]!;
    data[4 * i + 3] = mask[i]! ? 255 : 0;
  }
  return { width: image.width, height: image.height, channels: 4, data };
}
