// The foreground mask carried beside the features, so later steps (loss, error maps) can ignore background.
import type { CroppedImage } from './crop-box.ts';
import { poolMeans } from './pool.ts';

/**
 * Fraction of foreground in each pooled pixel, (pooledHeight * pooledWidth). Per pixel, foreground is
 * alpha/255 for an image with alpha (a soft edge counts partly), otherwise 1 where any colour channel
 * exceeds bgThreshold (the zero-pruning rule) and 0 elsewhere.
 */
export function pooledForeground(crop: CroppedImage, bgThreshold: number, pool: number): Float32Array {
  const { r, g, b, alpha, width, height } = crop;
  let plane = alpha;
  let scale = 1 / 255;
  if (!plane) {
    plane = new Uint8Array(r.length);
    scale = 1;
    // max(r, g, b) > t without branches: (t - x) >> 31 is -1 exactly when x > t.
    for (let i = 0; i < plane.length; i++) plane[i] = -(((bgThreshold - r[i]!) | (bgThreshold - g[i]!) | (bgThreshold - b[i]!)) >> 31);
  }
  const means = poolMeans(plane, width, height, pool);
  const out = new Float32Array(means.length);
  for (let i = 0; i < out.length; i++) out[i] = means[i]! * scale;
  return out;
}
