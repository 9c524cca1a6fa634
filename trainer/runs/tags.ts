// The tags and name of a training run: what was trained on what, where, by which code, so runs can be
// filtered (tags."pixal.type" = 'front') and traced back (git commit, dataset digest, host).
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import type { Config } from '../config/schema.ts';
import { CHANNEL_GROUPS } from '../pipeline/features/channels.ts';
import { resolveChannels } from '../pipeline/features/options.ts';
import type { BackendInfo } from '../model/backend.ts';
import { tileGrid } from '../tiling/grid.ts';
import { PIXAL_VERSION } from '../version.ts';
import type { TrainingUnit } from './datasets.ts';

/** The commit of the checkout pixal runs from, when it is a git checkout with git installed. */
export function gitCommit(cwd: string = process.cwd()): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

export function trainingTags(unit: TrainingUnit, config: Config, backend: BackendInfo, commit = gitCommit()): Record<string, string> {
  const types = [...new Set(unit.data.types)];
  return {
    'pixal.kind': 'training',
    'pixal.component': unit.component,
    'pixal.type': unit.label,
    'pixal.types': types.join(','),
    'pixal.model_kind': config.model_training.model_kind,
    'pixal.dataset_digest': unit.digest,
    'pixal.backend': backend.name,
    'pixal.device': backend.device,
    'pixal.version': PIXAL_VERSION,
    'pixal.host': hostname(),
    ...tilingTags(unit, config),
    'mlflow.source.name': 'pixal train',
    'mlflow.source.type': 'LOCAL',
    ...(commit ? { 'mlflow.source.git.commit': commit } : {}),
  };
}

/** pixal.tiling (the mode) and pixal.tile_grid (rows x cols) of a tiled run; the grid is left out when the map is
 * smaller than a tile (training then fails, saying so). */
function tilingTags(unit: TrainingUnit, config: Config): Record<string, string> {
  const { enabled, mode, tile_size, stride } = config.tiling;
  if (!enabled) return {};
  const { height, width } = unit.data;
  const grid = height >= tile_size && width >= tile_size ? tileGrid(height, width, tile_size, stride) : undefined;
  return { 'pixal.tiling': mode, ...(grid ? { 'pixal.tile_grid': `${grid.rows}x${grid.cols}` } : {}) };
}

/** The channels as a person names them: the set name when they are exactly one set (LAB_ab), else joined with +. */
export function channelsLabel(channels: Config['preprocessing']['preprocessor']['channels']): string {
  if (typeof channels === 'string') return channels;
  const list = resolveChannels(channels);
  const group = Object.entries(CHANNEL_GROUPS).find(([, members]) => members.join() === list.join());
  return group ? group[0] : list.join('+');
}

/** model_name plus the choices users compare runs by: `autoencoder-conv-LAB_ab-pool2-front`. */
export function trainingRunName(config: Config, label: string): string {
  const { model_name, model_kind } = config.model_training;
  const { channels, pool_size } = config.preprocessing.preprocessor;
  return `${model_name}-${model_kind}-${channelsLabel(channels)}-pool${pool_size}-${label}`;
}
