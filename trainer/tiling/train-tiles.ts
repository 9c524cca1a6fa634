// Tiled training of one type: per_location trains one model per tile position (anomalib's tiled ensemble), shared
// one model on every tile of every image (optionally told the tile's position). per_location models train in epoch
// lock-step — each live tile model one epoch in turn, each with its own early stopping — so every epoch has every
// tile's loss for one metric step. Lock-step in one process rather than a process per tile: tfjs-node already
// spreads each op over all cores, so parallel tile processes would only compete for them (and each would hold its
// own copy of the runtime and data).
import { join } from 'node:path';
import type { TilingOptions } from '../config/tiling.ts';
import type { TrainingData } from '../training/dataset.ts';
import { splitByType } from '../training/split.ts';
import { parseTrainingOptions, startTraining, type EpochReport, type EpochStepper, type StopReason, type TrainResult } from '../training/train.ts';
import { tileMetricPrefix, tileName, type Tile, type TileGrid } from './grid.ts';
import { dataGrid, sharedTileData, tileData } from './tile-data.ts';

/** One tile's epoch: loss only where the tile has its own model (per_location). */
export interface TileEpoch {
  epoch: number;
  loss?: number;
  val_loss: number;
}

/** The aggregate epoch (mean over tiles, a stopped tile counting its last value) and each tile that ran it. */
export interface TiledEpochReport extends EpochReport {
  /** Tiles that trained (per_location) or were validated (shared) this epoch, in grid order. */
  tiles: { tile: Tile; report: TileEpoch }[];
}

export interface TileOutcome {
  tile: Tile;
  /** `r00_c00` */
  name: string;
  /** per_location: the tile's own model and training; absent in shared mode. */
  result?: TrainResult;
  history: TileEpoch[];
  /** per_location: the tile model's best; shared: this tile's val_loss at the shared model's best epoch. */
  bestValLoss: number;
  bestEpoch: number;
  stopReason: StopReason;
}

export interface TiledTrainResult {
  mode: TilingOptions['mode'];
  grid: TileGrid;
  /** Aggregate epochs, as untiled training reports them. */
  history: TiledEpochReport[];
  /** aborted if any tile was, early_stopping if every tile stopped early, else completed. */
  stopReason: StopReason;
  /** Of the aggregate val_loss. */
  bestEpoch: number;
  bestValLoss: number;
  /** Images (each trains every tile). */
  trainCount: number;
  validationCount: number;
  tiles: TileOutcome[];
  /** shared: the one model, trained on every tile. */
  shared?: TrainResult;
}

export interface TrainTilesParams {
  data: TrainingData;
  /** The model_training section. */
  options: unknown;
  channelWeights: readonly number[];
  tiling: TilingOptions;
  /** Checkpoints: per_location under tiles/rRR_cCC/, shared as train() writes them. */
  checkpointDir?: string;
  signal?: AbortSignal;
  onEpoch?: (report: TiledEpochReport) => void;
  /** Batches done and in total over the epoch's live tiles. */
  onBatch?: (done: number, total: number) => void;
}

/** The per-tile metrics of an epoch, as logged beside the aggregate: tile_<r>_<c>/loss and tile_<r>_<c>/val_loss. */
export function tileMetrics(report: TiledEpochReport): Record<string, number> {
  return Object.fromEntries(
    report.tiles.flatMap(({ tile, report: t }) => {
      const prefix = tileMetricPrefix(tile);
      return [...(t.loss === undefined ? [] : [[`${prefix}/loss`, t.loss]]), [`${prefix}/val_loss`, t.val_loss]];
    }),
  );
}

/** Tracks the aggregate val_loss's best (no stopping: each tile stops on its own). */
class AggregateBest {
  value = Infinity;
  epoch = 0;
  update(epoch: number, valLoss: number): boolean {
    if (!(valLoss < this.value)) return false;
    this.value = valLoss;
    this.epoch = epoch;
    return true;
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export async function trainTiles(p: TrainTilesParams): Promise<TiledTrainResult> {
  const grid = dataGrid(p.data, p.tiling.tile_size, p.tiling.stride);
  return p.tiling.mode === 'shared' ? trainShared(p, grid) : trainPerLocation(p, grid);
}

async function trainPerLocation(p: TrainTilesParams, grid: TileGrid): Promise<TiledTrainResult> {
  const steppers: EpochStepper[] = [];
  let turn = { index: 0, of: 0 };
  try {
    for (const tile of grid.tiles) {
      steppers.push(
        startTraining({
          data: tileData(p.data, tile),
          options: p.options,
          channelWeights: p.channelWeights,
          ...(p.checkpointDir ? { checkpointDir: join(p.checkpointDir, 'tiles', tileName(tile)) } : {}),
          signal: p.signal,
          onBatch: (done, total) => p.onBatch?.(turn.index * total + done, turn.of * total),
        }),
      );
    }
    const history: TiledEpochReport[] = [];
    const best = new AggregateBest();
    const trainCount = splitCount(p).train;
    for (let epoch = 1; steppers.some((s) => !s.done); epoch++) {
      const start = performance.now();
      const live = steppers.flatMap((s, index) => (s.done ? [] : [index]));
      const ran: TiledEpochReport['tiles'] = [];
      for (const [k, index] of live.entries()) {
        turn = { index: k, of: live.length };
        const report = await steppers[index]!.step();
        if (report) ran.push({ tile: grid.tiles[index]!, report: { epoch, loss: report.loss, val_loss: report.val_loss } });
      }
      // An epoch cut short by the signal is not reported: not every live tile ran it.
      if (p.signal?.aborted) break;
      const seconds = (performance.now() - start) / 1000;
      const last = steppers.map((s) => s.history.at(-1)!);
      const valLoss = mean(last.map((r) => r.val_loss));
      const improved = best.update(epoch, valLoss);
      const report: TiledEpochReport = {
        epoch,
        loss: mean(last.map((r) => r.loss)),
        val_loss: valLoss,
        val_mse: Object.fromEntries(Object.keys(last[0]!.val_mse).map((c) => [c, mean(last.map((r) => r.val_mse[c]!))])),
        // Tile models lower their rates on their own plateaus (model_training.lr_plateau_factor): their mean.
        learning_rate: mean(last.map((r) => r.learning_rate)),
        epoch_seconds: seconds,
        // Images through every live tile model per second.
        samples_per_second: trainCount / seconds,
        improved,
        best_epoch: best.epoch,
        best_val_loss: best.value,
        tiles: ran,
      };
      history.push(report);
      p.onEpoch?.(report);
    }
    const results: TrainResult[] = [];
    for (const stepper of steppers) results.push(await stepper.finish());
    const tiles = grid.tiles.map((tile, k): TileOutcome => {
      const r = results[k]!;
      return { tile, name: tileName(tile), result: r, history: r.history.map((e) => ({ epoch: e.epoch, loss: e.loss, val_loss: e.val_loss })), bestValLoss: r.bestValLoss, bestEpoch: r.bestEpoch, stopReason: r.stopReason };
    });
    return {
      mode: 'per_location',
      grid,
      history,
      stopReason: overallStop(results.map((r) => r.stopReason)),
      bestEpoch: best.epoch,
      bestValLoss: best.value,
      trainCount: results[0]!.trainCount,
      validationCount: results[0]!.validationCount,
      tiles,
    };
  } finally {
    for (const stepper of steppers) stepper.dispose();
  }
}

async function trainShared(p: TrainTilesParams, grid: TileGrid): Promise<TiledTrainResult> {
  const options = parseTrainingOptions(p.options);
  const position = p.tiling.position_input;
  const shared = sharedTileData(p.data, grid, position, splitByType(p.data.types, options.validation_split, options.seed));
  const tileCount = grid.tiles.length;
  const history: TiledEpochReport[] = [];
  const stepper = startTraining({
    data: shared.data,
    // The position goes through the label branch that one-hot type mode uses (tiling itself refuses one-hot types).
    options: position === 'none' ? options : { ...options, one_hot_encoding: true },
    channelWeights: p.channelWeights,
    ...(p.checkpointDir ? { checkpointDir: p.checkpointDir } : {}),
    signal: p.signal,
    split: shared.split,
    validationGroups: shared.tileOf,
    onBatch: p.onBatch,
    onEpoch: ({ val_loss_groups: perTile, ...report }) => {
      const tiled: TiledEpochReport = {
        ...report,
        // Per image, as per_location counts: each image is tileCount samples.
        samples_per_second: report.samples_per_second / tileCount,
        tiles: perTile!.map((val_loss, index) => ({ tile: grid.tiles[index]!, report: { epoch: report.epoch, val_loss } })),
      };
      history.push(tiled);
      p.onEpoch?.(tiled);
    },
  });
  let result: TrainResult;
  try {
    while (!stepper.done) await stepper.step();
    result = await stepper.finish();
  } finally {
    stepper.dispose();
  }
  const atBest = history.find((e) => e.epoch === result.bestEpoch);
  const tiles = grid.tiles.map((tile, k): TileOutcome => ({
    tile,
    name: tileName(tile),
    history: history.map((e) => e.tiles[k]!.report),
    bestValLoss: atBest ? atBest.tiles[k]!.report.val_loss : Infinity,
    bestEpoch: result.bestEpoch,
    stopReason: result.stopReason,
  }));
  return {
    mode: 'shared',
    grid,
    history,
    stopReason: result.stopReason,
    bestEpoch: result.bestEpoch,
    bestValLoss: result.bestValLoss,
    trainCount: result.trainCount / tileCount,
    validationCount: result.validationCount / tileCount,
    tiles,
    shared: result,
  };
}

function splitCount(p: TrainTilesParams): { train: number; validation: number } {
  const options = parseTrainingOptions(p.options);
  const split = splitByType(p.data.types, options.validation_split, options.seed);
  return { train: split.train.length, validation: split.validation.length };
}

function overallStop(reasons: readonly StopReason[]): StopReason {
  if (reasons.includes('aborted')) return 'aborted';
  return reasons.every((r) => r === 'early_stopping') ? 'early_stopping' : 'completed';
}
