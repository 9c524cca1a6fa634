import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../trainer/config/errors.ts';
import { loadConfig } from '../../../trainer/config/load.ts';
import { gridPoints, parseGrid, pointLabel, splitTopLevel, withFittedWeights } from '../../../trainer/sweep/grid.ts';

describe('--grid flags', () => {
  it('split on commas outside brackets, each value kept as written', () => {
    expect(splitTopLevel('RGB,HSV, LAB_ab')).toEqual(['RGB', 'HSV', 'LAB_ab']);
    expect(splitTopLevel('[256,64],[128, 32],{a: 1, b: 2}')).toEqual(['[256,64]', '[128, 32]', '{a: 1, b: 2}']);
  });

  it('span the cartesian product in flag order, the last flag fastest', () => {
    const axes = parseGrid(['preprocessing.preprocessor.channels=RGB,LAB_ab', 'preprocessing.preprocessor.pool_size=2,4', 'model_training.autoencoder_architecture=[64,16]']);
    const points = gridPoints(axes);
    expect(points.map(pointLabel)).toEqual([
      'channels=RGB pool_size=2 autoencoder_architecture=[64,16]',
      'channels=RGB pool_size=4 autoencoder_architecture=[64,16]',
      'channels=LAB_ab pool_size=2 autoencoder_architecture=[64,16]',
      'channels=LAB_ab pool_size=4 autoencoder_architecture=[64,16]',
    ]);
    expect(points[1]!.sets).toEqual(['preprocessing.preprocessor.channels=RGB', 'preprocessing.preprocessor.pool_size=4', 'model_training.autoencoder_architecture=[64,16]']);
  });

  it('refuse a flag without values, an empty value, a key given twice, and no grid at all', () => {
    expect(() => parseGrid(['model_training.seed'])).toThrow(/--grid model_training\.seed: expected section\.key=value1,value2/);
    expect(() => parseGrid(['model_training.seed=1,,2'])).toThrow(/empty value in the list/);
    expect(() => parseGrid(['model_training.seed=1', 'model_training.seed=2'])).toThrow(/--grid model_training\.seed: given twice/);
    expect(() => parseGrid([])).toThrow(ConfigError);
  });
});

describe('withFittedWeights', () => {
  const pixalChannels = ['preprocessing.preprocessor.channels=[LAB_a, LAB_b]', 'preprocessing.preprocessor.weights=[3, 3]'];
  const base = loadConfig({ sets: pixalChannels }); // weights [3, 3] for LAB_a, LAB_b
  const [rgb, lab, list] = gridPoints(parseGrid(['preprocessing.preprocessor.channels=RGB,LAB_ab,[R,G,B,H]']));

  it('gives a channel change without weights one equal weight per channel', () => {
    expect(loadConfig({ sets: withFittedWeights(rgb!, base).sets }).preprocessing.preprocessor.weights).toEqual([3, 3, 3]);
    expect(loadConfig({ sets: withFittedWeights(list!, base).sets }).preprocessing.preprocessor.weights).toEqual([3, 3, 3, 3]);
    expect(withFittedWeights(lab!, base)).toBe(lab); // already two channels
    expect(() => loadConfig({ sets: [...pixalChannels, ...rgb!.sets] })).toThrow(/weights has 2 entries but channels selects 3/);
  });

  it('leaves a point that sets the weights alone', () => {
    const [point] = gridPoints(parseGrid(['preprocessing.preprocessor.channels=[R,G]', 'preprocessing.preprocessor.weights=[1,2]']));
    expect(withFittedWeights(point!, base)).toBe(point);
    expect(loadConfig({ sets: point!.sets }).preprocessing.preprocessor.weights).toEqual([1, 2]);
  });
});
