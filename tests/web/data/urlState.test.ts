import { describe, expect, it } from 'vitest';
import { encodeCompareState, encodeRunsState, parseCompareState, parseRunsState } from '../../../web/src/data/urlState.ts';
import { groupId } from '../../../web/src/data/runRows.ts';

describe('runs view URL state', () => {
  it('round-trips every field, including group ids holding commas and quotes', () => {
    const state = {
      experiments: ['1', '7'],
      filter: "params.channels = 'RGB' and metrics.auc > 0.9",
      sort: { column: 'metrics.auc', desc: true },
      columns: ['params.channels', 'metrics.auc'],
      groupBy: ['channels', 'pool'],
      selected: ['abc', 'def'],
      open: ['sweep1'],
      folded: [groupId(['a,b', "it's"]), groupId([undefined, '2'])],
      deleted: true,
    };
    const query = encodeRunsState(state);
    expect(parseRunsState(new URLSearchParams(query))).toEqual(state);
  });

  it('reads an empty URL as the defaults and writes the defaults as an empty URL', () => {
    const state = parseRunsState(new URLSearchParams(''));
    expect(state).toMatchObject({ experiments: [], filter: '', sort: { column: 'attr.start_time', desc: true }, columns: undefined, groupBy: [] });
    expect(encodeRunsState(state)).toBe('');
  });

  it('keeps an explicitly empty column list apart from the default', () => {
    const state = parseRunsState(new URLSearchParams('cols='));
    expect(state.columns).toEqual([]);
    expect(encodeRunsState(state)).toBe('cols=');
  });

  it('reads ascending sort and drops duplicate ids', () => {
    const state = parseRunsState(new URLSearchParams('sort=params.pool&sel=a,b,a'));
    expect(state.sort).toEqual({ column: 'params.pool', desc: false });
    expect(state.selected).toEqual(['a', 'b']);
  });
});

describe('compare view URL state', () => {
  it('reads the contract example', () => {
    const state = parseCompareState(new URLSearchParams('runs=a,b&metrics=loss,val_loss&x=time&smooth=0.6&log=1&group=channels'));
    expect(state).toMatchObject({ runs: ['a', 'b'], metrics: ['loss', 'val_loss'], x: 'time', smooth: 0.6, log: true, group: 'channels', tab: 'curves' });
  });

  it('clamps and defaults bad values instead of failing', () => {
    const state = parseCompareState(new URLSearchParams('x=epoch&smooth=7&tab=nope'));
    expect(state).toMatchObject({ x: 'step', smooth: 0.99, tab: 'curves', metrics: undefined });
    expect(parseCompareState(new URLSearchParams('smooth=abc')).smooth).toBe(0);
  });

  it('round-trips', () => {
    const state = { runs: ['a'], metrics: ['m'], x: 'time' as const, smooth: 0.3, log: true, group: 'pool', tab: 'scatter' as const, diffOnly: true, axes: ['params.pool', 'metrics.m'], scatterX: 'params.pool', scatterY: 'metrics.m' };
    expect(parseCompareState(new URLSearchParams(encodeCompareState(state)))).toEqual(state);
  });
});
