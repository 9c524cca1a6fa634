// The demo's sweep is fixed by the demo, not by configs/parameters.yaml: six points (RGB, HSV, LAB_ab x pool 2, 4)
// with the demo's fast training settings, each point's channel weights fitted to its channels.
import { describe, expect, it } from 'vitest';
import { demoSweepPoints } from '../../../trainer/demo/demo.ts';

describe('demoSweepPoints', () => {
  const { base, axes, points } = demoSweepPoints();

  it('spans channels x pool size, pool varying fastest', () => {
    expect(axes.map((a) => a.key)).toEqual(['preprocessing.preprocessor.channels', 'preprocessing.preprocessor.pool_size']);
    expect(points.map((p) => [p.config.preprocessing.preprocessor.channels, p.config.preprocessing.preprocessor.pool_size])).toEqual([
      ['RGB', 2],
      ['RGB', 4],
      ['HSV', 2],
      ['HSV', 4],
      ['LAB_ab', 2],
      ['LAB_ab', 4],
    ]);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('fits one weight per channel', () => {
    expect(points.map((p) => p.config.preprocessing.preprocessor.weights.length)).toEqual([3, 3, 3, 3, 2, 2]);
  });

  it("trains every point with the demo's own settings, whatever the project's defaults are", () => {
    for (const config of [base, ...points.map((p) => p.config)]) {
      expect(config.preprocessing.alignment.apply_alignment).toBe(true);
      expect(config.model_training).toMatchObject({ model_kind: 'conv', n_epochs: 40, patience: 40, batchsize: 4, conv_filters: [16, 32, 64], one_hot_encoding: false });
    }
  });
});
