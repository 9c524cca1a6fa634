// Stored thresholds are reused by a later unlabelled batch only on error maps in the units they were learned on.
import { describe, expect, it } from 'vitest';
import { DetectionOptions } from '../../../trainer/config/detection.ts';
import { PlottingOptions } from '../../../trainer/config/plotting.ts';
import { PixelHistogram } from '../../../trainer/detection/pixel-histogram.ts';
import { chooseThresholds, storedThresholds, THRESHOLD_TAGS, type MapUnits } from '../../../trainer/validation/thresholds.ts';

const unlabelled = (tags: Record<string, string>, normalisation: MapUnits, mapSigma = 0) =>
  chooseThresholds({
    detection: DetectionOptions.parse({ map_sigma: mapSigma }),
    plotting: PlottingOptions.parse({ loss_cut: 0.1 }),
    scores: [1, 2],
    labels: [null, null],
    pixels: new PixelHistogram(),
    stored: storedThresholds(tags),
    normalisation,
    sourceRunId: 'r1',
  });

describe('stored thresholds and map units', () => {
  const normalised = { [THRESHOLD_TAGS.image]: '12', [THRESHOLD_TAGS.pixel]: '5', [THRESHOLD_TAGS.from]: 'v1', [THRESHOLD_TAGS.normalisation]: 'per_pixel' };

  it('reuses thresholds learned on maps in the same units', () => {
    expect(unlabelled(normalised, 'per_pixel')).toEqual({ image: 12, pixel: 5, origin: 'stored on training run r1 by validation run v1', learned: false });
  });

  it('falls back to loss_cut on maps in other units; thresholds stored before normalisation count as raw', () => {
    expect(unlabelled(normalised, 'none')).toMatchObject({ image: 0.1, pixel: 0.1, origin: expect.stringMatching(/are for normalisation per_pixel maps, these are none/) });
    const older = { [THRESHOLD_TAGS.image]: '0.02', [THRESHOLD_TAGS.pixel]: '0.01' };
    expect(storedThresholds(older).normalisation).toBe('none');
    expect(unlabelled(older, 'none')).toMatchObject({ image: 0.02, pixel: 0.01 });
    expect(unlabelled(older, 'per_pixel')).toMatchObject({ image: 0.1, pixel: 0.1 });
  });

  it('reuses them only on maps smoothed with the same detection.map_sigma (absent tag: 0)', () => {
    expect(unlabelled(normalised, 'per_pixel', 2)).toMatchObject({ image: 0.1, pixel: 0.1, origin: expect.stringMatching(/smoothed with detection.map_sigma 0, these with 2/) });
    const smoothed = { ...normalised, [THRESHOLD_TAGS.mapSigma]: '2' };
    expect(unlabelled(smoothed, 'per_pixel', 2)).toMatchObject({ image: 12, pixel: 5 });
    expect(unlabelled(smoothed, 'per_pixel')).toMatchObject({ image: 0.1, pixel: 0.1 });
  });
});
