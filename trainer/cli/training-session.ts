// What `pixal train` and `pixal sweep` share at the terminal: the backend (started and printed, with the
// reason of a fallback), the datasets (checked before anything is logged), the tracking server (MLFLOW_TRACKING_URI
// or an embedded one on ./mlruns, opened only once the data is known good), Ctrl-C, progress and the summary.
import type { PathsConfig } from '../config/paths.ts';
import type { Config } from '../config/schema.ts';
import type { Experiment } from '../mlflow/types.ts';
import { initBackend, type BackendInfo, type Device } from '../model/backend.ts';
import { loadTrainingUnits, type TrainingUnit } from '../runs/datasets.ts';
import { openTracking, type Tracking } from '../runs/tracking.ts';
import { checkTrainable, exitCodeOf, experimentName, outcomeLines, trainUnits } from '../runs/train-units.ts';
import type { TrainingRunOutcome } from '../runs/training-run.ts';
import { stopOnInterrupt, type InterruptStop } from '../training/interrupt.ts';
import { createTrainingProgress } from './training-progress.ts';

export interface SessionOptions {
  config: Config;
  device: Device;
  quiet?: boolean;
}

export interface TrainParams {
  units: TrainingUnit[];
  experimentId: string;
  paths: PathsConfig;
  /** A different config than the session's (a sweep's grid point). */
  config?: Config;
  parentRunId?: string;
  nameSuffix?: string;
  tags?: Record<string, string>;
}

export class TrainingSession {
  private trackingOpen: Tracking | undefined;
  private readonly interrupt: InterruptStop;

  constructor(
    readonly options: SessionOptions,
    readonly backend: BackendInfo,
  ) {
    this.interrupt = stopOnInterrupt(() => console.error('\nstopping after this batch (Ctrl-C again to quit at once)'));
  }

  get signal(): AbortSignal {
    return this.interrupt.signal;
  }

  /** Loads and checks the training units of a component with `config` (the session's by default). */
  async load(componentDir: string, types?: string[], config: Config = this.options.config): Promise<TrainingUnit[]> {
    checkTrainable(config, this.backend);
    return loadTrainingUnits(componentDir, config, types);
  }

  async tracking(): Promise<Tracking> {
    if (!this.trackingOpen) {
      this.trackingOpen = await openTracking({ dir: process.cwd(), host: '127.0.0.1', port: 0 });
      this.say(this.trackingOpen.local ? `tracking: pixal server on ${this.trackingOpen.url} with its store in ./mlruns (MLFLOW_TRACKING_URI is not set)` : `tracking: ${this.trackingOpen.url}`);
    }
    return this.trackingOpen;
  }

  async experiment(flag?: string): Promise<Experiment> {
    const name = experimentName(flag, this.options.config);
    const experiment = await (await this.tracking()).client.getOrCreateExperiment(name);
    this.say(`experiment: ${name} (id ${experiment.experimentId})`);
    return experiment;
  }

  async train(p: TrainParams): Promise<TrainingRunOutcome[]> {
    const config = p.config ?? this.options.config;
    return trainUnits({
      client: (await this.tracking()).client,
      experimentId: p.experimentId,
      units: p.units,
      config,
      paths: p.paths,
      backend: this.backend,
      signal: this.signal,
      progress: createTrainingProgress({ quiet: this.options.quiet }),
      ...(p.parentRunId ? { parentRunId: p.parentRunId } : {}),
      ...(p.nameSuffix ? { nameSuffix: p.nameSuffix } : {}),
      ...(p.tags ? { tags: p.tags } : {}),
    });
  }

  /** Prints the summary; returns the exit code. */
  report(outcomes: readonly TrainingRunOutcome[], experimentId: string): number {
    const tracking = this.trackingOpen;
    const remote = tracking && !tracking.local ? (runId: string) => `${tracking.url}/#/experiments/${experimentId}/runs/${runId}` : undefined;
    console.log(outcomeLines(outcomes, remote).join('\n'));
    if (tracking?.local) console.log('browse the runs: pixal server (it serves ./mlruns), or set MLFLOW_TRACKING_URI to log to a running server');
    return exitCodeOf(outcomes);
  }

  async close(): Promise<void> {
    this.interrupt.release();
    await this.trackingOpen?.close();
  }

  private say(line: string): void {
    if (!this.options.quiet) console.error(line);
  }
}

export async function startTraining(options: SessionOptions): Promise<TrainingSession> {
  const backend = await initBackend(options.device);
  if (backend.fallbackReason) console.error(`warning: native TensorFlow is not available (${backend.fallbackReason}); training on ${backend.name} (dense models only; see \`pixal doctor\`)`);
  if (!options.quiet) console.error(`backend: ${backend.name} on ${backend.device} (${backend.package} ${backend.version})`);
  return new TrainingSession(options, backend);
}
