import { describe, expect, it } from 'vitest';
import { AlignmentOptions } from '../../../../trainer/pipeline/align/options.ts';

describe('AlignmentOptions', () => {
  it('gives the defaults for an empty section', () => {
    expect(AlignmentOptions.parse({})).toEqual({
      apply_alignment: true,
      detector: 'SIFT',
      max_features: 5000,
      detection_scale: 0.5,
      knn_ratio: 0.8,
      number_of_points: 5,
      ransac_threshold: 7,
      homography_method: 'MAGSAC',
      MIN_SCORE_THRESHOLD: 0.5,
      MAX_MSE_THRESHOLD: 400,
      MIN_GOOD_MATCHES: 20,
      save_metrics: true,
      save_overlays: false,
      draw_matches: false,
    });
  });

  it('rejects unknown keys and bad values, naming the key', () => {
    expect(() => AlignmentOptions.parse({ MIN_GOOD_MATCH: 3 })).toThrow(/MIN_GOOD_MATCH/);
    const bad = AlignmentOptions.safeParse({ detector: 'SURF', number_of_points: 3, detection_scale: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['detection_scale', 'detector', 'number_of_points']);
  });
});
