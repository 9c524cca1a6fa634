import { describe, expect, it } from 'vitest';
import { tileGrid, tileName } from '../../../trainer/tiling/grid.ts';
import { manifestGrid, TilingManifest } from '../../../trainer/tiling/manifest.ts';

function manifest(mode: 'per_location' | 'shared') {
  const grid = tileGrid(40, 50, 32, 16);
  return {
    format: 1,
    mode,
    tile_size: 32,
    stride: 16,
    position_input: 'none',
    normalisation_scope: 'per_tile',
    threshold_scope: 'joined',
    seam_smoothing: { apply: true, width: 16, sigma: 4 },
    map: { height: 40, width: 50 },
    grid: { rows: grid.rows, cols: grid.cols },
    tiles: grid.tiles.map((t) => ({
      ...t,
      ...(mode === 'per_location' ? { model: `tiles/${tileName(t)}` } : {}),
      reference: `error_reference/flex/${tileName(t)}.npz`,
      reference_images: 12,
      best_val_loss: 0.01,
      best_epoch: 3,
      stop_reason: 'completed',
    })),
  };
}

describe('TilingManifest', () => {
  it('reads a per_location and a shared manifest, and gives back the grid', () => {
    const m = TilingManifest.parse(manifest('per_location'));
    expect(manifestGrid(m)).toEqual(tileGrid(40, 50, 32, 16));
    expect(TilingManifest.parse(manifest('shared')).tiles[0]!.model).toBeUndefined();
  });

  it('refuses a manifest whose tiles do not match its grid, map or mode', () => {
    const short = manifest('per_location');
    short.tiles.pop();
    expect(TilingManifest.safeParse(short).error?.issues[0]!.message).toBe('5 tiles for a 2x3 grid');
    const outside = manifest('per_location');
    outside.map.width = 40;
    expect(TilingManifest.safeParse(outside).error?.issues.map((i) => i.message)).toContain('tile r0 c1 leaves the 40x40 map');
    const mixed = manifest('shared');
    expect(TilingManifest.safeParse({ ...mixed, mode: 'per_location' }).success).toBe(false);
    expect(TilingManifest.safeParse({ ...mixed, format: 2 }).success).toBe(false);
  });
});
