// Alignment on the real flex photo with real OpenCV: known camera moves are undone to within a pixel.
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readImage, type Image } from '../../../../trainer/image/image.ts';
import { alignPrepared, alignToReference, prepareReference } from '../../../../trainer/pipeline/align/align.ts';
import { cv, fromMat, homographyMat, toMat } from '../../../../trainer/pipeline/align/cv.ts';
import { cornerError, invert, multiply, type Homography } from '../../../../trainer/pipeline/align/homography.ts';
import { AlignmentOptions, DETECTORS } from '../../../../trainer/pipeline/align/options.ts';

const SAMPLE = '/work/shared/data/pixal-sample';
const reference = await readImage(`${SAMPLE}/flex_f1_front_raw.jpg`);
const { width: W, height: H } = reference;

/** A slightly moved camera: rotation (degrees) and scale about the image centre, a shift, mild perspective. */
function camera(degrees: number, scale: number, tx: number, ty: number, px = 0, py = 0): Homography {
  const t = (degrees * Math.PI) / 180;
  const c = Math.cos(t) * scale;
  const s = Math.sin(t) * scale;
  const centre = [1, 0, W / 2, 0, 1, H / 2, 0, 0, 1];
  return multiply(centre, multiply([c, -s, tx, s, c, ty, px, py, 1], invert(centre)));
}

const MOVES: Record<string, Homography> = {
  rotation: camera(1.5, 1, 12, -8),
  scale: camera(0, 0.97, -20, 15),
  'rotation+scale': camera(-3, 1.03, 25, 10),
  perspective: camera(0.5, 1, 5, 5, 2e-5, -1.5e-5),
};

function warp(image: Image, h: Homography): Image {
  return fromMat(toMat(image).warpPerspective(homographyMat(h), new cv.Size(image.width, image.height), cv.INTER_LINEAR, cv.BORDER_CONSTANT));
}

const moved = Object.fromEntries(Object.entries(MOVES).map(([name, h]) => [name, warp(reference, h)]));
const timings: string[] = [];

afterAll(() => {
  console.log(`alignment of ${W}x${H} (ms: reference prepared once; per image detect + match + estimate + warp + SSIM/MSE)\n${timings.join('\n')}`);
});

describe.each(DETECTORS)('%s', (detector) => {
  for (const scale of [1, 0.5]) {
    // ORB's keypoints sit on a coarse pyramid grid: on half-size copies it is measured, not held to 1 px.
    const strict = scale === 1 || detector !== 'ORB';
    it(`undoes known camera moves${scale < 1 ? ` detecting at scale ${scale}` : ''}${strict ? ' to ≤ 1 px mean corner error' : ''}`, () => {
      const options = AlignmentOptions.parse({ detector, detection_scale: scale });
      let t = performance.now();
      const prepared = prepareReference(reference, options);
      const prepareMs = performance.now() - t;
      const errors: string[] = [];
      let alignMs = 0;
      for (const [name, h] of Object.entries(MOVES)) {
        t = performance.now();
        const { result } = alignPrepared(prepared, moved[name]!, options);
        alignMs += performance.now() - t;
        // The image was made by warping the reference with h, so aligning it back must give h⁻¹.
        const error = cornerError(result.homography, invert(h), W, H);
        errors.push(`${name} ${error.toFixed(2)} px`);
        if (!strict) continue;
        expect(result.accepted, `${name}: ${result.reason}`).toBe(true);
        expect(error, name).toBeLessThanOrEqual(1);
        expect(result.warped).toMatchObject({ width: W, height: H, channels: 3 });
        expect(result.inliers).toBeGreaterThanOrEqual(options.MIN_GOOD_MATCHES);
        expect(result.inlierRatio).toBeCloseTo(result.inliers / result.goodMatches, 12);
      }
      timings.push(`${detector.padEnd(5)} scale ${scale}: prepare ${prepareMs.toFixed(0)} ms, align ${(alignMs / 4).toFixed(0)} ms/image; corner error ${errors.join(', ')}`);
    }, 600_000);
  }
});

describe('rejection', () => {
  // A half-size copy keeps these fast; ORB suffices to exercise the rules.
  const small = { width: W / 2, height: H / 2, channels: 3 as const, data: new Uint8Array(0) };
  const options = AlignmentOptions.parse({ detector: 'ORB' });

  it('rejects an unrelated image (noise) with a reason instead of failing', async () => {
    const ref = await downscaled();
    let s = 12345;
    const noise: Image = { ...small, data: new Uint8Array(small.width * small.height * 3).map(() => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24)) };
    const result = alignToReference(ref, noise, options);
    expect(result.accepted).toBe(false);
    expect(result.reason).toMatch(/good matches|MIN_SCORE_THRESHOLD|MIN_GOOD_MATCHES|MAX_MSE_THRESHOLD/);
  });

  it('rejects an image without features: too few good matches, no homography, no warp', async () => {
    const ref = await downscaled();
    const blank: Image = { ...small, data: new Uint8Array(small.width * small.height * 3).fill(128) };
    const result = alignToReference(ref, blank, options);
    expect(result).toMatchObject({ accepted: false, reason: 'good matches 0 < number_of_points 5', homography: [], inliers: 0, goodMatches: 0 });
    expect(result.warped).toBeUndefined();
    expect(result.ssim).toBeNaN();
  });

  it('names every acceptance rule that fails', async () => {
    const ref = await downscaled();
    const image = warp(ref, camera(1, 1, 4, -3));
    const strict = AlignmentOptions.parse({ detector: 'ORB', MIN_SCORE_THRESHOLD: 1, MAX_MSE_THRESHOLD: 0, MIN_GOOD_MATCHES: 1_000_000 });
    const result = alignToReference(ref, image, strict);
    expect(result.accepted).toBe(false);
    const reasons = result.reason!.split('; ');
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/^ssim 0\.\d{3} < MIN_SCORE_THRESHOLD 1$/);
    expect(reasons[1]).toMatch(/^mse \d+\.\d > MAX_MSE_THRESHOLD 0$/);
    expect(reasons[2]).toMatch(/^inliers \d+ < MIN_GOOD_MATCHES 1000000$/);
    // The warp is still returned, for overlays of rejected images.
    expect(result.warped).toMatchObject({ width: ref.width, height: ref.height });
    expect(alignToReference(ref, image, options).accepted).toBe(true);
  });
});

describe('background-removed images (RGBA)', () => {
  it('aligns on the foreground, keeps alpha, and scores the overlap of both foregrounds', async () => {
    const rgba = await readImage(`${SAMPLE}/flex_f1_front_rembg.png`, 4);
    const h = camera(2, 1.01, -10, 6);
    const image = warp(rgba, h); // alpha warps with it; uncovered pixels are transparent
    const options = AlignmentOptions.parse({ detector: 'AKAZE', detection_scale: 0.5 });
    const result = alignToReference(rgba, image, options);
    expect(result.accepted, result.reason).toBe(true);
    expect(cornerError(result.homography, invert(h), W, H)).toBeLessThanOrEqual(1);
    expect(result.warped!.channels).toBe(4);
    // Only foreground pixels are compared: the transparent background (and its colour) does not count.
    expect(result.ssim).toBeGreaterThan(0.9);
    expect(result.mse).toBeLessThan(50);
  });
});

let cachedSmall: Image | undefined;
/** The reference photo at half size (through sharp, as a user's smaller camera would give). */
async function downscaled(): Promise<Image> {
  if (!cachedSmall) {
    const { data, info } = await sharp(`${SAMPLE}/flex_f1_front_raw.jpg`).resize(W / 2, H / 2).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    cachedSmall = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  }
  return cachedSmall;
}
