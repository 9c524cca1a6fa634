import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../../web/src/api/types.ts';
import { buildRows, groupId, groupMean, sortRuns, type TableRow } from '../../../web/src/data/runRows.ts';

function run(id: string, extra: Partial<RunRow> = {}): RunRow {
  return { run_id: id, run_name: id, experiment_id: '1', status: 'FINISHED', start_time: 0, end_time: null, parent_run_id: null, params: {}, metrics: {}, tags: {}, ...extra };
}

const ids = (rows: TableRow[]) => rows.map((r) => (r.kind === 'run' ? `${'  '.repeat(r.depth)}${r.run.run_id}` : `[${r.values.join('×')}:${r.runs.length}]`));
const none = new Set<string>();

describe('sortRuns', () => {
  const runs = [run('a', { metrics: { loss: 0.5 } }), run('b', { metrics: { loss: 0.1 } }), run('c'), run('d', { metrics: { loss: 0.3 } })];

  it('sorts numbers by value both ways, missing values last', () => {
    expect(sortRuns(runs, { column: 'metrics.loss', desc: false }).map((r) => r.run_id)).toEqual(['b', 'd', 'a', 'c']);
    expect(sortRuns(runs, { column: 'metrics.loss', desc: true }).map((r) => r.run_id)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('sorts param strings naturally', () => {
    const pools = ['10', '2', '4'].map((p) => run(`p${p}`, { params: { pool: p } }));
    expect(sortRuns(pools, { column: 'params.pool', desc: false }).map((r) => r.params.pool)).toEqual(['2', '4', '10']);
  });

  it('keeps the server order for an unknown column', () => {
    expect(sortRuns(runs, { column: 'bogus', desc: false }).map((r) => r.run_id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('buildRows as a tree', () => {
  const runs = [run('sweep'), run('t1', { parent_run_id: 'sweep', start_time: 1 }), run('t2', { parent_run_id: 'sweep', start_time: 2 }), run('lone'), run('orphan', { parent_run_id: 'gone' })];

  it('hides sweep trials under a collapsed parent and counts them', () => {
    const rows = buildRows(runs, { groupBy: [], collapsedGroups: none, expandedRuns: none });
    expect(ids(rows)).toEqual(['sweep', 'lone', 'orphan']);
    expect(rows[0]).toMatchObject({ children: 2, expanded: false });
  });

  it('shows them indented, in sort order, when the parent is open', () => {
    const rows = buildRows(runs, { sort: { column: 'attr.start_time', desc: true }, groupBy: [], collapsedGroups: none, expandedRuns: new Set(['sweep']) });
    expect(ids(rows)).toEqual(['sweep', '  t2', '  t1', 'lone', 'orphan']);
  });

  it('shows runs whose parents form a loop instead of losing them', () => {
    const loop = [run('x', { parent_run_id: 'y' }), run('y', { parent_run_id: 'x' })];
    const rows = buildRows(loop, { groupBy: [], collapsedGroups: none, expandedRuns: new Set(['x', 'y']) });
    expect(ids(rows)).toEqual(['x', '  y']);
  });
});

describe('buildRows grouped', () => {
  const runs = [
    run('r1', { params: { channels: 'RGB', pool: '2' }, metrics: { auc: 0.8 } }),
    run('r2', { params: { channels: 'LAB_ab', pool: '4' }, metrics: { auc: 0.9 } }),
    run('r3', { params: { channels: 'RGB', pool: '2' }, metrics: { auc: 0.6 } }),
    run('r4', { params: { channels: 'RGB', pool: '10' } }),
    run('parent'),
  ];

  it('groups by the cross product of param values with counts, in natural order, missing last', () => {
    const rows = buildRows(runs, { groupBy: ['channels', 'pool'], collapsedGroups: none, expandedRuns: none });
    expect(ids(rows)).toEqual(['[LAB_ab×4:1]', '  r2', '[RGB×2:2]', '  r1', '  r3', '[RGB×10:1]', '  r4', '[×:1]', '  parent']);
  });

  it('collapses the groups named in the URL', () => {
    const folded = new Set([groupId(['RGB', '2'])]);
    const rows = buildRows(runs, { groupBy: ['channels', 'pool'], collapsedGroups: folded, expandedRuns: none });
    expect(ids(rows)).toEqual(['[LAB_ab×4:1]', '  r2', '[RGB×2:2]', '[RGB×10:1]', '  r4', '[×:1]', '  parent']);
  });

  it('averages a metric over the runs that have it', () => {
    expect(groupMean(runs.slice(0, 4), 'auc')).toBeCloseTo((0.8 + 0.9 + 0.6) / 3);
    expect(groupMean([runs[4]!], 'auc')).toBeUndefined();
  });
});
