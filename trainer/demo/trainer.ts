// The sweep's trainer for the demo: the demo's tracking server, its backend and its progress bars, and Ctrl-C
// ending the current run as KILLED (trainer/cli/training-session.ts is the same for `pixal sweep`, with a
// tracking server of its own).
import type { Config } from '../config/schema.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import type { BackendInfo } from '../model/backend.ts';
import { loadTrainingUnits, type TrainingUnit } from '../runs/datasets.ts';
import { checkTrainable, trainUnits } from '../runs/train-units.ts';
import type { TrainingProgress, TrainingRunOutcome } from '../runs/training-run.ts';
import type { SweepTrainer } from '../sweep/sweep.ts';
import { stopOnInterrupt, type InterruptStop } from '../training/interrupt.ts';

export class DemoTrainer implements SweepTrainer {
  private readonly interrupt: InterruptStop;

  constructor(
    private readonly client: MlflowClient,
    private readonly backend: BackendInfo,
    private readonly progress: TrainingProgress,
    onInterrupt?: () => void,
  ) {
    this.interrupt = stopOnInterrupt(onInterrupt);
  }

  get signal(): AbortSignal {
    return this.interrupt.signal;
  }

  async load(componentDir: string, types: string[] | undefined, config: Config): Promise<TrainingUnit[]> {
    checkTrainable(config, this.backend);
    return loadTrainingUnits(componentDir, config, types);
  }

  train(p: Parameters<SweepTrainer['train']>[0]): Promise<TrainingRunOutcome[]> {
    return trainUnits({ client: this.client, backend: this.backend, signal: this.signal, progress: this.progress, ...p });
  }

  /** Stops listening for Ctrl-C (training is over). */
  release(): void {
    this.interrupt.release();
  }
}
