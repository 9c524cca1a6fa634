import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../../web/src/api/types.ts';
import { cellValue, compareValues, formatCell, parseColumn } from '../../../web/src/data/columns.ts';

const run: RunRow = {
  run_id: 'r1',
  run_name: 'dense-RGB',
  experiment_id: '1',
  status: 'FINISHED',
  start_time: 1_000,
  end_time: 126_000,
  parent_run_id: null,
  params: { 'model.pool': '2' },
  metrics: { auc: 0.912345 },
  tags: { note: 'x' },
};

describe('runs table columns', () => {
  it('reads column ids in the filter grammar, keys with dots included', () => {
    expect(parseColumn('params.model.pool')).toEqual({ id: 'params.model.pool', kind: 'params', key: 'model.pool' });
    expect(parseColumn('attr.duration')).toMatchObject({ kind: 'attr', key: 'duration' });
    expect(parseColumn('attr.bogus')).toBeUndefined();
    expect(parseColumn('nonsense')).toBeUndefined();
    expect(parseColumn('metrics.')).toBeUndefined();
  });

  it('gives cell values and their text', () => {
    expect(cellValue(run, parseColumn('params.model.pool')!)).toBe('2');
    expect(formatCell(run, parseColumn('metrics.auc')!)).toBe('0.9123');
    expect(formatCell(run, parseColumn('attr.duration')!)).toBe('2 min 5 s');
    expect(formatCell(run, parseColumn('tags.missing')!)).toBe('');
  });

  it('orders numbers before text and missing values last', () => {
    const values = ['b', undefined, '10', 2, 'a'];
    expect([...values].sort(compareValues)).toEqual([2, '10', 'a', 'b', undefined]);
  });
});
