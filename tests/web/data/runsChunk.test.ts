// The runs table's column chunks become the rows the table works on: each run's own keys and
// values, the parent from its tag, metric strings as numbers; chunks append and grow the key lists.
import { describe, expect, it } from 'vitest';
import type { RunsChunk } from '../../../web/src/api/types.ts';
import { decodeRunsChunk, TableBuilder } from '../../../web/src/data/runsChunk.ts';

const chunk: RunsChunk = {
  total: 3,
  run_id: ['a1', 'b2'],
  run_name: ['sweep', 'trial-0'],
  experiment_id: ['7', '7'],
  status: ['RUNNING', 'FINISHED'],
  start_time: [1000, 2000],
  end_time: [null, 9000],
  params: { keys: [[], ['channels', 'pool']], key_set: [0, 1], values: [[], ['RGB', '2']] },
  metrics: { keys: [['loss'], ['loss', 'val_auroc']], key_set: [0, 1], values: [['NaN'], [0.25, 0.5]] },
  tags: { keys: [['mlflow.runName'], ['mlflow.parentRunId', 'mlflow.runName']], key_set: [0, 1], values: [['sweep'], ['a1', 'trial-0']] },
};

describe('decodeRunsChunk', () => {
  it('gives each run its own keys and values, its parent from the tag', () => {
    const [sweep, trial] = decodeRunsChunk(chunk);
    expect(trial).toEqual({
      run_id: 'b2',
      run_name: 'trial-0',
      experiment_id: '7',
      status: 'FINISHED',
      start_time: 2000,
      end_time: 9000,
      parent_run_id: 'a1',
      params: { channels: 'RGB', pool: '2' },
      metrics: { loss: 0.25, val_auroc: 0.5 },
      tags: { 'mlflow.parentRunId': 'a1', 'mlflow.runName': 'trial-0' },
    });
    expect(sweep).toMatchObject({ parent_run_id: null, end_time: null, params: {} });
    expect(sweep!.metrics.loss).toBeNaN();
  });

  it('reads an empty chunk as no runs', () => {
    const empty: RunsChunk = { ...chunk, total: 0, run_id: [], run_name: [], experiment_id: [], status: [], start_time: [], end_time: [], params: { keys: [], key_set: [], values: [] }, metrics: { keys: [], key_set: [], values: [] }, tags: { keys: [], key_set: [], values: [] } };
    expect(decodeRunsChunk(empty)).toEqual([]);
  });
});

describe('TableBuilder', () => {
  it('appends the runs of each chunk and keeps sorted key unions', () => {
    const builder = new TableBuilder();
    builder.add(chunk);
    const first = builder.table();
    expect([builder.loaded, builder.total]).toEqual([2, 3]);
    builder.add({
      ...chunk,
      run_id: ['c3'],
      run_name: ['trial-1'],
      experiment_id: ['7'],
      status: ['FAILED'],
      start_time: [3000],
      end_time: [4000],
      params: { keys: [['augment', 'channels']], key_set: [0], values: [['flip', 'HSV']] },
      metrics: { keys: [[]], key_set: [0], values: [[]] },
      tags: { keys: [['mlflow.runName']], key_set: [0], values: [['trial-1']] },
    });
    const whole = builder.table();
    expect(whole.runs.map((r) => r.run_id)).toEqual(['a1', 'b2', 'c3']);
    expect(whole.params).toEqual(['augment', 'channels', 'pool']);
    expect(whole.metrics).toEqual(['loss', 'val_auroc']);
    expect(whole.tags).toEqual(['mlflow.parentRunId', 'mlflow.runName']);
    expect(builder.loaded).toBe(3);
    // The table shown before the second chunk is left as it was.
    expect(first.runs).toHaveLength(2);
    expect(whole.runs[0]).toBe(first.runs[0]);
  });
});
