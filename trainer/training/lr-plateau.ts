// The learning rate lowered on a plateau of val_loss, as Keras's ReduceLROnPlateau: after `patience` epochs in a
// row without an improvement (a fall below the best by more than min_delta) it is multiplied by `factor`, never
// below `minLearningRate`, and the count starts again. Lets a long run (shared tiling: many steps per epoch) settle
// instead of jumping out of its minimum at a learning rate that suited its first epochs.
export class LearningRatePlateau {
  private best = Infinity;
  private wait = 0;

  constructor(
    private readonly factor: number,
    private readonly patience: number,
    private readonly minDelta: number,
    private readonly minLearningRate: number,
  ) {}

  /** The learning rate for the next epoch, given this epoch's val_loss and learning rate. */
  next(valLoss: number, learningRate: number): number {
    if (valLoss < this.best - this.minDelta) {
      this.best = valLoss;
      this.wait = 0;
      return learningRate;
    }
    if (++this.wait < this.patience || this.factor === 1 || learningRate <= this.minLearningRate) return learningRate;
    this.wait = 0;
    return Math.max(this.minLearningRate, learningRate * this.factor);
  }
}
