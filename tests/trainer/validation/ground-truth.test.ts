import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writePng } from '../../../trainer/image/image.ts';
import { GroundTruthError, readGroundTruth, warpNearest } from '../../../trainer/validation/ground-truth.ts';

const PYTHON = '.venv/bin/python';
const dir = mkdtempSync(join(tmpdir(), 'pixal-ground-truth-'));

/** A 0/255 mask with a few blobs, as synth and MVTec write them. */
function blobs(width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const [cx, cy, r] of [[40, 30, 9], [120, 70, 14], [75, 95, 4]] as const) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * width + x] = 255;
  }
  return mask;
}

describe('readGroundTruth', () => {
  it('reads a grey or RGB mask as 0/1 at the image size', async () => {
    const grey = join(dir, 'grey.png');
    await writePng(grey, { width: 160, height: 120, channels: 1, data: blobs(160, 120) });
    const rgb = join(dir, 'rgb.png');
    await sharp(grey).toColourspace('srgb').png().toFile(rgb);
    expect((await sharp(rgb).metadata()).channels).toBe(3);
    const a = await readGroundTruth(grey, 160, 120);
    expect(a).toHaveLength(160 * 120);
    expect(new Set(a)).toEqual(new Set([0, 1]));
    expect(a.reduce((s, v) => s + v, 0)).toBe(blobs(160, 120).filter((v) => v).length);
    expect(await readGroundTruth(rgb, 160, 120)).toEqual(a);
  });

  it('rejects a mask of another size, and an unreadable one, naming what is wrong', async () => {
    const file = join(dir, 'big.png');
    await writePng(file, { width: 640, height: 360, channels: 1, data: new Uint8Array(640 * 360) });
    await expect(readGroundTruth(file, 320, 180)).rejects.toThrow(new GroundTruthError('mask 640x360 does not match image 320x180'));
    await expect(readGroundTruth(join(dir, 'missing.png'), 320, 180)).rejects.toThrow(/^cannot read mask .*missing\.png/);
  });
});

describe('warpNearest', () => {
  it('is the identity for the identity homography', () => {
    const mask = blobs(160, 120).map((v) => (v ? 1 : 0));
    expect(warpNearest(mask, 160, 120, [1, 0, 0, 0, 1, 0, 0, 0, 1], 160, 120)).toEqual(mask);
  });

  it("matches OpenCV's warpPerspective with INTER_NEAREST, into a frame of another size", async () => {
    const [width, height, outWidth, outHeight] = [160, 120, 150, 130];
    const homography = [0.97, -0.08, 6.3, 0.06, 1.02, -4.7, 0.0002, -0.0001, 1];
    const file = join(dir, 'warp-in.png');
    await writePng(file, { width, height, channels: 1, data: blobs(width, height) });
    const script = [
      'import sys, json, cv2, numpy as np',
      'm = cv2.imread(sys.argv[1], cv2.IMREAD_GRAYSCALE)',
      'h = np.array(json.loads(sys.argv[2]), dtype=np.float64).reshape(3, 3)',
      'w = cv2.warpPerspective(m, h, (int(sys.argv[3]), int(sys.argv[4])), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT, borderValue=0)',
      'sys.stdout.write(json.dumps((w > 127).astype(int).ravel().tolist()))',
    ].join('\n');
    const expected = JSON.parse(execFileSync(PYTHON, ['-c', script, file, JSON.stringify(homography), String(outWidth), String(outHeight)], { encoding: 'utf8', maxBuffer: 1 << 24 })) as number[];
    const warped = warpNearest(await readGroundTruth(file, width, height), width, height, homography, outWidth, outHeight);
    expect(expected.reduce((s, v) => s + v, 0)).toBeGreaterThan(500);
    expect(Array.from(warped)).toEqual(expected);
  });
});
