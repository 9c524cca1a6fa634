import { describe, expect, it } from 'vitest';
import { LearningRatePlateau } from '../../../trainer/training/lr-plateau.ts';

/** The learning rate of each epoch for a sequence of val_losses, starting at `start`. */
function rates(plateau: LearningRatePlateau, losses: number[], start: number): number[] {
  const out: number[] = [];
  let rate = start;
  for (const loss of losses) {
    out.push(rate);
    rate = plateau.next(loss, rate);
  }
  return out;
}

describe('LearningRatePlateau', () => {
  it("lowers the rate after `patience` epochs without a min_delta improvement, then counts again (Keras's ReduceLROnPlateau)", () => {
    const plateau = new LearningRatePlateau(0.5, 2, 0.01, 0);
    // Improves, then 2 flat epochs (lowered for epoch 4), 2 more (lowered for epoch 6), a real improvement resets.
    expect(rates(plateau, [1, 0.995, 1.2, 0.999, 0.998, 0.5, 0.6, 0.45], 0.1)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025]);
  });

  it('never goes below the minimum learning rate', () => {
    expect(rates(new LearningRatePlateau(0.25, 1, 0, 0.04), [1, 2, 2, 2], 0.5)).toEqual([0.5, 0.5, 0.125, 0.04]);
  });

  it('keeps the rate constant at factor 1 (the default)', () => {
    expect(rates(new LearningRatePlateau(1, 1, 0, 0), [1, 2, 3, 4], 0.1)).toEqual([0.1, 0.1, 0.1, 0.1]);
  });
});
