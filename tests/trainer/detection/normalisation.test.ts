// Per-pixel normalisation on maps small enough to check by hand, and its file format read back (also by numpy).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_REFERENCE_DIR, ERROR_REFERENCE_INDEX, readErrorReferences, writeErrorReferences } from '../../../trainer/detection/normalisation-file.ts';
import { epsilonOf, MIN_EPSILON, normaliseMaps, referenceFromMaps, supportOf } from '../../../trainer/detection/normalisation.ts';
import { REPO_ROOT } from '../../support/servers.ts';

// Four training images of a 1x4 strip. Pixel 0: foreground in all four, errors 1, 2, 3, 2 (mean 2).
// Pixel 1: in all four, errors 4 (mean 4). Pixel 2: in three of four (the outline moves), errors 6, 6, 6.
// Pixel 3: never foreground.
const maps = Float32Array.from([1, 4, 6, 0, 2, 4, 6, 0, 3, 4, 0, 0, 2, 4, 6, 0]);
const foreground = Float32Array.from([1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0.2, 0, 1, 1, 0.9, 0.1]);
const reference = referenceFromMaps(maps, foreground, 4, [1, 4]);

describe('referenceFromMaps', () => {
  it('averages each pixel over the images where it is foreground, and counts that share', () => {
    expect(reference.images).toBe(4);
    expect([...reference.meanError]).toEqual([2, 4, 6, 0]);
    expect([...reference.foregroundShare]).toEqual([1, 1, 0.75, 0]);
  });

  it('refuses maps that do not fill the shape', () => {
    expect(() => referenceFromMaps(maps, foreground, 3, [1, 4])).toThrow(/16 errors and 16 foreground values for 3 images of 1x4/);
  });
});

describe('support and epsilon', () => {
  it('keeps pixels foreground in at least support_share of the training images', () => {
    expect([...supportOf(reference, 0.95)]).toEqual([1, 1, 0, 0]);
    expect([...supportOf(reference, 0.75)]).toEqual([1, 1, 1, 0]);
    // 19 of 20 images is exactly 0.95, despite float rounding of the stored share
    const nineteen = referenceFromMaps(new Float32Array(20), Float32Array.from({ length: 20 }, (_, i) => (i < 19 ? 1 : 0)), 20, [1, 1]);
    expect([...supportOf(nineteen, 0.95)]).toEqual([1]);
  });

  it('takes epsilon as a quantile of the mean errors inside the support', () => {
    const support = supportOf(reference, 0.75); // mean errors 2, 4, 6 inside
    expect(epsilonOf(reference, support, 0)).toBe(2);
    expect(epsilonOf(reference, support, 0.5)).toBe(4);
    expect(epsilonOf(reference, support, 1)).toBe(6);
    expect(epsilonOf(reference, new Uint8Array(4), 0.1)).toBe(MIN_EPSILON);
  });
});

describe('normaliseMaps', () => {
  it('divides by (mean training error + epsilon) inside the support and zeroes the rest', () => {
    // support (0.95): pixels 0 and 1, mean errors 2 and 4; epsilon at quantile 0 = 2
    const detected = Float32Array.from([8, 12, 5, 7, 2, 6, 9, 1]);
    normaliseMaps(detected, 2, reference, { epsilonQuantile: 0, supportShare: 0.95 });
    expect([...detected]).toEqual([8 / 4, 12 / 6, 0, 0, 2 / 4, 6 / 6, 0, 0]);
  });

  it('makes a pixel that always errs as quiet as one that never does', () => {
    // raw, the defect (error 3 where the model usually errs 0.1) ranks below pixel 1, which always errs 4;
    // normalised (epsilon = the smallest mean error, 0.1) it is 15 times its usual error, pixel 1 about once
    const quiet = referenceFromMaps(Float32Array.from([0.1, 4, 0.1, 4]), new Float32Array(4).fill(1), 2, [1, 2]);
    const image = Float32Array.from([3, 4]);
    expect(image[0]! < image[1]!).toBe(true);
    normaliseMaps(image, 1, quiet, { epsilonQuantile: 0, supportShare: 0.95 });
    expect(image[0]).toBeCloseTo(3 / 0.2, 5);
    expect(image[1]).toBeCloseTo(4 / 4.1, 5);
  });

  it('refuses maps of another size', () => {
    expect(() => normaliseMaps(new Float32Array(6), 2, reference, { epsilonQuantile: 0.1, supportShare: 0.95 })).toThrow(/6 errors for 2 maps of 1x4/);
  });
});

describe('error reference files', () => {
  it('round-trip per type, with an index that documents them, readable by numpy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-reference-'));
    const back = referenceFromMaps(Float32Array.from([0.5, 1.5, 0, 2]), Float32Array.from([1, 1, 0, 1]), 1, [2, 2]);
    await writeErrorReferences(dir, new Map([['front', reference], ['back', back]]));
    const read = await readErrorReferences(dir);
    expect([...read!.keys()]).toEqual(['front', 'back']);
    expect(read!.get('front')).toEqual(reference);
    expect(read!.get('back')).toEqual(back);
    const index = JSON.parse(readFileSync(join(dir, ERROR_REFERENCE_DIR, ERROR_REFERENCE_INDEX), 'utf8')) as { types: Record<string, unknown>; description: string };
    expect(index.types.back).toEqual({ file: 'back.npz', images: 1, shape: [2, 2] });
    expect(index.description).toMatch(/mean_error .* foreground_share/);

    const python = join(REPO_ROOT, '.venv/bin/python');
    const script = `import numpy; z = numpy.load('${join(dir, ERROR_REFERENCE_DIR, 'back.npz')}'); print(z['mean_error'].tolist(), z['foreground_share'].tolist())`;
    expect(execFileSync(python, ['-c', script], { encoding: 'utf8' }).trim()).toBe('[[0.5, 1.5], [0.0, 2.0]] [[1.0, 1.0], [0.0, 1.0]]');
  });

  it('are absent for a model trained without them', async () => {
    expect(await readErrorReferences(mkdtempSync(join(tmpdir(), 'pixal-reference-')))).toBeUndefined();
  });
});
