// Early stopping on val_loss, as Keras's EarlyStopping counts it: an epoch improves when val_loss falls below
// the best so far by more than min_delta; after `patience` epochs in a row without improvement, training stops.
export class EarlyStopping {
  best = Infinity;
  bestEpoch = 0;
  private wait = 0;

  constructor(
    private readonly patience: number,
    private readonly minDelta: number,
  ) {}

  /** Records one epoch's val_loss. */
  update(epoch: number, valLoss: number): { improved: boolean; stop: boolean } {
    if (valLoss < this.best - this.minDelta) {
      this.best = valLoss;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= this.patience };
  }
}
