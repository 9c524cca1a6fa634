import { describe, expect, it } from 'vitest';
import { epochLine } from '../../../trainer/cli/training-progress.ts';
import type { EpochReport } from '../../../trainer/training/train.ts';

const report: EpochReport = {
  epoch: 12,
  loss: 0.0012,
  val_loss: 0.5,
  val_mse: { R: 0.5 },
  learning_rate: 0.002,
  epoch_seconds: 2,
  samples_per_second: 8,
  improved: false,
  best_epoch: 10,
  best_val_loss: 0.001,
};

describe('epochLine', () => {
  it('marks an improvement, and says when a diverged epoch was undone', () => {
    expect(epochLine({ ...report, improved: true }, 100, 2)).toMatch(/^epoch 12\/100 {2}loss 1\.200e-3 {2}val_loss 0\.5000 \* {2}8 samples\/s {2}2\.0 s {2}ETA 2m56s/);
    expect(epochLine({ ...report, rolled_back: true }, 100, 2)).toContain("val_loss 0.5000 diverged: back to epoch 10's weights");
    expect(epochLine(report, 100, 2)).not.toMatch(/\*|diverged/);
  });
});
