import { describe, expect, it } from 'vitest';
import { resultsCsv, type ImageOutcome } from '../../../../trainer/pipeline/align/report.ts';

describe('resultsCsv', () => {
  it('writes one row per outcome, quotes what needs it, leaves unknown numbers empty', () => {
    const outcomes: ImageOutcome[] = [
      { image: 'a.png', status: 'accepted', ssim: 0.91234, mse: 12.345, inliers: 80, inlierRatio: 0.8, goodMatches: 100 },
      { image: 'b,"odd".png', status: 'rejected', reason: 'ssim 0.312 < MIN_SCORE_THRESHOLD 0.5; inliers 7 < MIN_GOOD_MATCHES 20', ssim: 0.312, mse: 812.4, inliers: 7, inlierRatio: 0.35, goodMatches: 20 },
      { image: 'c.png', status: 'failed', reason: 'c.png: cannot read image (truncated)', ssim: NaN, mse: NaN, inliers: 0, inlierRatio: NaN, goodMatches: 0 },
    ];
    expect(resultsCsv(outcomes)).toBe(
      [
        'image,accepted,reason,score,mse,inliers,inlier_ratio,good_matches',
        'a.png,true,,0.9123,12.35,80,0.8000,100',
        '"b,""odd"".png",false,ssim 0.312 < MIN_SCORE_THRESHOLD 0.5; inliers 7 < MIN_GOOD_MATCHES 20,0.3120,812.40,7,0.3500,20',
        'c.png,false,c.png: cannot read image (truncated),,,,,',
        '',
      ].join('\n'),
    );
  });
});
