// Every 8-bit colour (all 2^24) through our conversions, through cv2.cvtColor (opencv-python, the venv's
// OpenCV 5) and through cv.cvtColor (@u4/opencv4nodejs on Debian's OpenCV 4.6): identical outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_LAB_CHROMA } from '../../../../trainer/pipeline/features/channels.ts';
import { rgbToHsv, rgbToLab, rgbToYCrCb, type RgbPlanes } from '../../../../trainer/pipeline/features/colour.ts';
import { python, scratch } from './helpers.ts';

const dir = scratch();

function allColours(): RgbPlanes {
  const n = 1 << 24;
  const r = new Uint8Array(n);
  const g = new Uint8Array(n);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    r[i] = i >> 16;
    g[i] = (i >> 8) & 255;
    b[i] = i & 255;
  }
  return { width: 4096, height: 4096, r, g, b };
}

describe('OpenCV 8-bit colour conversions', () => {
  const colours = allColours();
  beforeAll(() => {
    python([
    '-c',
    `import cv2, numpy as np
i = np.arange(1 << 24, dtype=np.uint32)
rgb = np.stack([i >> 16, (i >> 8) & 255, i & 255], axis=-1).astype(np.uint8).reshape(4096, 4096, 3)
for name, code in [('hsv', cv2.COLOR_RGB2HSV), ('ycrcb', cv2.COLOR_RGB2YCrCb), ('lab', cv2.COLOR_RGB2Lab)]:
    cv2.cvtColor(rgb, code).tofile('${dir}/' + name + '.raw')`,
    ]);
  });

  it.each([
    ['hsv', rgbToHsv],
    ['ycrcb', rgbToYCrCb],
    ['lab', rgbToLab],
  ] as const)('%s equals cv2.cvtColor for all 2^24 colours', (name, convert) => {
    const ours = convert(colours);
    const cv = readFileSync(join(dir, `${name}.raw`));
    let mismatches = 0;
    for (let i = 0; i < cv.length; i++) if (ours[i % 3]![Math.floor(i / 3)] !== cv[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it.each([
    ['hsv', rgbToHsv, 'COLOR_RGB2HSV'],
    ['ycrcb', rgbToYCrCb, 'COLOR_RGB2YCrCb'],
    ['lab', rgbToLab, 'COLOR_RGB2Lab'],
  ] as const)('%s equals OpenCV 4.6 through opencv4nodejs for all 2^24 colours', async (_, convert, code) => {
    const { default: cv } = await import('../../../../trainer/image/opencv.ts');
    const interleaved = Buffer.alloc(colours.r.length * 3);
    for (let i = 0; i < colours.r.length; i++) {
      interleaved[i * 3] = colours.r[i]!;
      interleaved[i * 3 + 1] = colours.g[i]!;
      interleaved[i * 3 + 2] = colours.b[i]!;
    }
    const cvOut = new cv.Mat(interleaved, 4096, 4096, cv.CV_8UC3).cvtColor(cv[code]).getData();
    const ours = convert(colours);
    let mismatches = 0;
    for (let i = 0; i < cvOut.length; i++) if (ours[i % 3]![Math.floor(i / 3)] !== cvOut[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('MAX_LAB_CHROMA is the largest 8-bit Lab chroma of any colour', () => {
    const [, a, b] = rgbToLab(colours);
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, (a[i]! - 128) ** 2 + (b[i]! - 128) ** 2);
    expect(Math.sqrt(max)).toBe(MAX_LAB_CHROMA);
  });
});
