import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../trainer/config/errors.ts';
import { loadConfig } from '../../../trainer/config/load.ts';
import { Config } from '../../../trainer/config/schema.ts';

function problemsOf(sets: string[]): string[] {
  try {
    loadConfig({ sets });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('tiling section', () => {
  it('is off by default, with the documented defaults', () => {
    expect(Config.parse({}).tiling).toEqual({
      enabled: false,
      tile_size: 256,
      stride: 224,
      mode: 'per_location',
      position_input: 'none',
      normalisation_scope: 'per_tile',
      threshold_scope: 'joined',
      seam_smoothing: { apply: true, width: 16, sigma: 4 },
    });
  });

  it('accepts a valid tiled configuration', () => {
    const config = loadConfig({ sets: ['tiling.enabled=true', 'tiling.tile_size=64', 'tiling.stride=64', 'tiling.mode=shared', 'tiling.position_input=coordinates'] });
    expect(config.tiling).toMatchObject({ enabled: true, tile_size: 64, stride: 64, mode: 'shared', position_input: 'coordinates' });
  });

  it('refuses a stride larger than the tile (gaps), naming the key', () => {
    expect(problemsOf(['tiling.tile_size=32', 'tiling.stride=40'])).toEqual([
      'tiling.stride: tiling.stride (40) must not exceed tiling.tile_size (32): tiles would leave gaps; got 40 (from --set tiling.stride=40)',
    ]);
  });

  it('refuses tiles smaller than 16 pixels', () => {
    const [problem] = problemsOf(['tiling.tile_size=8', 'tiling.stride=8']);
    expect(problem).toMatch(/^tiling\.tile_size: tiling\.tile_size must be at least 16 pixels/);
  });

  it('refuses a position input outside shared mode', () => {
    const [problem] = problemsOf(['tiling.position_input=one_hot']);
    expect(problem).toMatch(/^tiling\.position_input: tiling\.position_input one_hot needs tiling\.mode shared/);
  });

  it('refuses tiling with one model for all types', () => {
    expect(problemsOf(['tiling.enabled=true', 'model_training.one_hot_encoding=true'])).toEqual([
      'tiling.enabled: tiling trains per type; set model_training.one_hot_encoding false; got true (from --set tiling.enabled=true)',
    ]);
    // Disabled tiling does not stand in the way of one-hot training.
    expect(loadConfig({ sets: ['model_training.one_hot_encoding=true'] }).model_training.one_hot_encoding).toBe(true);
  });

  it('checks seam smoothing keys', () => {
    const [problem] = problemsOf(['tiling.seam_smoothing.sigma=0']);
    expect(problem).toMatch(/^tiling\.seam_smoothing\.sigma: /);
    expect(problemsOf(['tiling.seam_smoothing.blur=1'])[0]).toMatch(/^tiling\.seam_smoothing\.blur: unknown key/);
  });
});
