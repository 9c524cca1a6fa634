// threshold_scope per_tile: a pixel threshold per tile location instead of one for the joined map. A tiled model's
// tiles do not err alike (a tile over a connector fan errs more than one over plain polyimide, even normalised), so
// each tile gets the F1-optimal threshold of its own labelled pixels; a tile whose pixels hold no defect (most of
// them: defects are small) takes the joined map's F1-optimal threshold. The thresholds are joined into a map with
// the tiles' own seam blending (joinTiles) and the error maps are divided by it, so the pixel threshold becomes 1
// and everything after (scores, metrics, overlays) runs unchanged. Learned thresholds are stored on the training run
// as one tag (per type, the list in grid order) and reused for unlabelled batches, as the joined thresholds are.
//
// Pixels are taken at pooled resolution, each pooled pixel labelled by the crop pixel at its centre (exactly the
// crop's pixels at pool_size 1, the resolution tiling is for): per tile this needs no crop-sized map, and one tile's
// histogram at a time.
import { z } from 'zod';
import type { DetectionOptions } from '../config/detection.ts';
import type { PlottingOptions } from '../config/plotting.ts';
import { binLowerEdge, PixelHistogram } from '../detection/pixel-histogram.ts';
import { toLinearThreshold } from '../detection/scores.ts';
import { VALUE_LIMITS } from '../mlflow/batch.ts';
import type { TypeDetection } from '../validation/detect.ts';
import type { PreparedImage } from '../validation/prepare.ts';
import type { MapUnits, Thresholds } from '../validation/thresholds.ts';
import type { Tile, TileGrid } from './grid.ts';
import { joinTiles, type SeamSmoothing } from './join.ts';

export const TILE_THRESHOLDS_TAG = 'pixal.threshold.pixel_tiles';

export interface TileThresholds {
  /** Per tile, in grid order: the pixel threshold of its region, in the maps' units before division. */
  values: number[];
  /** For a person: where they come from. */
  origin: string;
  /** True when this set's labels chose them (then they are stored on the training run). */
  learned: boolean;
}

const positive = z.number().positive().finite();
const StoredValue = z.object({
  grid: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  units: z.enum(['per_pixel', 'none']),
  /** The validation run whose labels chose them. */
  from: z.string(),
  types: z.record(z.array(positive)),
});
export type StoredTileThresholds = z.infer<typeof StoredValue>;

/** The per-tile thresholds a training run's tags hold; undefined when none (or unreadable: then they are not used). */
export function storedTileThresholds(tags: Record<string, string>): StoredTileThresholds | undefined {
  const value = tags[TILE_THRESHOLDS_TAG];
  if (value === undefined) return undefined;
  try {
    return StoredValue.parse(JSON.parse(value));
  } catch {
    return undefined;
  }
}

/**
 * The tag that stores the learned per-tile thresholds of `detections`, or undefined when none learned any.
 * Values are written with 9 significant digits, which give back the same float32 (thresholds are bin edges).
 * A grid too large for a tag value (over ~600 tiles) is not stored; `tooLong` says so.
 */
export function tileThresholdTag(detections: readonly TypeDetection[], units: MapUnits, from: string): { key: string; value: string } | { tooLong: number } | undefined {
  const learned = detections.filter((d) => d.tiling?.thresholds?.learned);
  if (learned.length === 0) return undefined;
  const { grid } = learned[0]!.tiling!;
  const types = Object.fromEntries(learned.map((d) => [d.type, d.tiling!.thresholds!.values.map((v) => Number(v.toPrecision(9)))]));
  const value = JSON.stringify({ grid: [grid.rows, grid.cols], units, from, types } satisfies StoredTileThresholds);
  return value.length > VALUE_LIMITS.tag ? { tooLong: value.length } : { key: TILE_THRESHOLDS_TAG, value };
}

/** The thresholds of a validation whose maps were divided by per-tile thresholds: the pixel threshold is 1. */
export function withTileThresholds(thresholds: Thresholds, detections: readonly TypeDetection[]): Thresholds {
  const tiled = detections.filter((d) => d.tiling?.thresholds);
  if (tiled.length === 0) return thresholds;
  const origins = [...new Set(tiled.map((d) => d.tiling!.thresholds!.origin))].join('; ');
  return { ...thresholds, pixel: 1, origin: `${thresholds.origin}; pixel: per tile, ${origins} (maps divided by the joined threshold map)` };
}

/** Class of each pooled pixel of a labelled image: the crop pixel at its centre. */
interface PooledLabels {
  /** Crop row of each map row, crop column of each map column. */
  rows: Int32Array;
  cols: Int32Array;
  cropWidth: number;
}

function pooledLabels(item: PreparedImage, h: number, w: number): PooledLabels {
  const { height, width } = item.cropSize;
  const centre = (i: number, size: number, crop: number) => Math.min(crop - 1, Math.floor(((i + 0.5) * crop) / size));
  return { rows: Int32Array.from({ length: h }, (_, y) => centre(y, h, height)), cols: Int32Array.from({ length: w }, (_, x) => centre(x, w, width)), cropWidth: width };
}

/** Adds the labelled foreground pixels of `region` (all of the map when undefined) of every labelled image. */
function addRegion(histogram: PixelHistogram, maps: Float32Array, shape: readonly [number, number], items: readonly PreparedImage[], labels: (PooledLabels | null)[], region: Pick<Tile, 'y' | 'x' | 'height' | 'width'>): void {
  const [h, w] = shape;
  const size = region.height * region.width;
  const values = new Float32Array(size);
  const defect = new Uint8Array(size);
  const include = new Uint8Array(size);
  items.forEach((item, i) => {
    const l = labels[i];
    if (!l || !item.groundTruth) return;
    let k = 0;
    for (let y = region.y; y < region.y + region.height; y++) {
      const cropRow = l.rows[y]! * l.cropWidth;
      for (let x = region.x; x < region.x + region.width; x++, k++) {
        const at = cropRow + l.cols[x]!;
        values[k] = maps[i * h * w + y * w + x]!;
        include[k] = item.foregroundCrop[at]!;
        defect[k] = item.groundTruth[at]!;
      }
    }
    histogram.add(values, defect, include);
  });
}

export interface TileThresholdInputs {
  /** (N, H'·W') joined maps of one type. */
  maps: Float32Array;
  shape: readonly [number, number];
  items: readonly PreparedImage[];
  type: string;
  grid: TileGrid;
  detection: Pick<DetectionOptions, 'threshold'>;
  plotting: Pick<PlottingOptions, 'loss_cut' | 'use_log_loss'>;
  /** The units of these maps: stored thresholds in other units, or for another grid, are not used. */
  units: MapUnits;
  stored?: StoredTileThresholds;
  /** The training run, to say where stored thresholds come from. */
  sourceRunId: string;
}

/** The pixel threshold of every tile, as chooseThresholds picks the joined one: labels, else stored, else loss_cut. */
export function chooseTileThresholds(p: TileThresholdInputs): TileThresholds {
  const count = p.grid.tiles.length;
  const lossCut = toLinearThreshold(p.plotting.loss_cut, p.plotting.use_log_loss);
  const lossCutOrigin = `loss_cut ${p.plotting.loss_cut}${p.plotting.use_log_loss ? ' (log10)' : ''}`;
  const everywhere = (value: number, origin: string, learned = false): TileThresholds => ({ values: new Array<number>(count).fill(value), origin, learned });
  if (p.detection.threshold === 'loss_cut') return everywhere(lossCut, `${lossCutOrigin} in every tile`);

  const [h, w] = p.shape;
  const labels = p.items.map((item) => (item.groundTruth ? pooledLabels(item, h, w) : null));
  const joined = new PixelHistogram();
  addRegion(joined, p.maps, p.shape, p.items, labels, { y: 0, x: 0, height: h, width: w });
  const counts = joined.counts();
  if (counts.defect > 0 && counts.good > 0) {
    // A region where every pixel is best called defective has the optimum at 0, which no map can be divided by:
    // the lowest regular bin edge calls the same pixels defective (all but exact zeros, the background).
    const optimum = (h: PixelHistogram) => Math.max(h.f1OptimalThreshold().threshold, binLowerEdge(1));
    const fallback = optimum(joined);
    let own = 0;
    const values = p.grid.tiles.map((tile) => {
      const histogram = new PixelHistogram();
      addRegion(histogram, p.maps, p.shape, p.items, labels, tile);
      const c = histogram.counts();
      if (c.defect === 0 || c.good === 0) return fallback;
      own++;
      return optimum(histogram);
    });
    return { values, origin: `F1-optimal on this set's labels in ${own} of ${count} tiles (the others, without defect pixels, take the joined map's)`, learned: true };
  }
  const stored = p.stored;
  const values = stored?.types[p.type];
  if (stored && values) {
    const grid = `${p.grid.rows}x${p.grid.cols}`;
    if (stored.grid.join('x') !== grid || values.length !== count) return everywhere(lossCut, `${lossCutOrigin} in every tile: the per-tile thresholds stored on training run ${p.sourceRunId} are for a ${stored.grid.join('x')} grid, this one is ${grid}`);
    if (stored.units !== p.units) return everywhere(lossCut, `${lossCutOrigin} in every tile: the per-tile thresholds stored on training run ${p.sourceRunId} are for normalisation ${stored.units} maps, these are ${p.units}`);
    return { values: [...values], origin: `stored on training run ${p.sourceRunId} by validation run ${stored.from}`, learned: false };
  }
  return everywhere(lossCut, `${lossCutOrigin} in every tile: no labelled pixels and no stored per-tile thresholds`);
}

/** The thresholds as a (H'·W') map, blended across seams as the tiles' maps are. */
export function thresholdMap(values: readonly number[], grid: TileGrid, seams: SeamSmoothing): Float32Array {
  return joinTiles(
    grid.tiles.map((tile, k) => new Float32Array(tile.height * tile.width).fill(values[k]!)),
    grid,
    seams,
  );
}

/** Divides each of the `n` maps (N, P) by the threshold map (P), in place. */
export function divideByThresholds(maps: Float32Array, n: number, thresholds: Float32Array): void {
  const pixels = thresholds.length;
  if (maps.length !== n * pixels) throw new RangeError(`divideByThresholds: ${maps.length} values for ${n} maps of ${pixels} pixels`);
  for (let i = 0; i < n; i++) for (let j = 0; j < pixels; j++) maps[i * pixels + j]! /= thresholds[j]!;
}
