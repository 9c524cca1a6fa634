// preprocessing.preprocessor: PIXAL's defaults, and clear errors for bad channels and weights.
import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES } from '../../../../trainer/pipeline/features/channels.ts';
import { PreprocessorOptions, resolveChannels } from '../../../../trainer/pipeline/features/options.ts';

const messages = (input: unknown): string[] => {
  const result = PreprocessorOptions.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('PreprocessorOptions', () => {
  it("an empty section yields PIXAL's defaults but pool 4 and LAB (the best detection; normalisation fixed)", () => {
    expect(PreprocessorOptions.parse({})).toEqual({
      file_name: 'out.npz',
      pool_size: 4,
      channels: 'LAB',
      weights: [1, 1, 1],
      zero_pruning: true,
      zero_pruning_padding: 5,
      bg_threshold: 15,
      normalisation: 'fixed',
    });
  });

  it('an unknown channel is named, with the list of valid ones', () => {
    const [message] = messages({ channels: ['LAB_a', 'LAB_c'], weights: [1, 1] });
    expect(message).toContain('channels: unknown channel "LAB_c"');
    for (const name of CHANNEL_NAMES) expect(message).toContain(name);
    expect(messages({ channels: ['LAB_a', 'LAB_c'], weights: [1, 1] })).toHaveLength(1);
  });

  it('"ALL" selects all 23 channels, as a string or as PIXAL\'s ["ALL"]', () => {
    const weights = CHANNEL_NAMES.map(() => 1);
    expect(resolveChannels(PreprocessorOptions.parse({ channels: 'ALL', weights }).channels)).toEqual([...CHANNEL_NAMES]);
    expect(resolveChannels(PreprocessorOptions.parse({ channels: ['ALL'], weights }).channels)).toEqual([...CHANNEL_NAMES]);
    expect(messages({ channels: ['ALL', 'R'], weights: [1, 1] })[0]).toMatch(/"ALL" cannot be combined/);
  });

  it('weights must give one weight per channel', () => {
    expect(messages({ channels: ['R', 'G'] })).toEqual([
      'weights: weights has 3 entries but channels selects 2: give one weight per channel, in channel order',
    ]);
    expect(messages({ channels: 'ALL', weights: [1] })[0]).toMatch(/selects 23/);
  });

  it('rejects unknown keys, duplicate channels and bad values', () => {
    expect(messages({ pool: 2 })[0]).toMatch(/Unrecognized key/);
    expect(messages({ channels: ['R', 'R'] })[0]).toMatch(/"R" is listed twice/);
    expect(messages({ pool_size: 0 })[0]).toMatch(/^pool_size/);
    expect(messages({ bg_threshold: 256 })[0]).toMatch(/^bg_threshold/);
    expect(messages({ normalisation: 'percentile' })[0]).toMatch(/^normalisation/);
    expect(messages({ file_name: '../x.npz' })[0]).toMatch(/plain file name ending in .npz/);
  });
});
