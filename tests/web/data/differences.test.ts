import { describe, expect, it } from 'vitest';
import { differingKeys } from '../../../web/src/data/differences.ts';

describe('differingKeys', () => {
  it('keeps keys whose values are not all equal, in the given order', () => {
    const records = [
      { channels: 'RGB', pool: '2', lr: '0.001', epochs: '10' },
      { channels: 'HSV', pool: '2', lr: '1e-3', epochs: '10' },
      { channels: 'RGB', pool: '2', lr: '0.001' },
    ];
    expect(differingKeys(records, ['channels', 'pool', 'lr', 'epochs'])).toEqual(['channels', 'epochs']);
  });

  it('compares metrics as numbers and treats missing as different', () => {
    expect(differingKeys([{ auc: 0.5 }, { auc: 0.5 }], ['auc'])).toEqual([]);
    expect(differingKeys([{ auc: 0.5 }, {}], ['auc'])).toEqual(['auc']);
  });

  it('has no differences with fewer than two runs', () => {
    expect(differingKeys([{ a: '1' }], ['a'])).toEqual([]);
  });

  it('does not equate empty strings with zero', () => {
    expect(differingKeys([{ a: '' }, { a: '0' }], ['a'])).toEqual(['a']);
  });
});
