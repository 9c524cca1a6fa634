// POST /api/pixal/runs/table on a real server: every matching run in one answer, in the order and
// with the filter semantics of runs/search (the same parser and SQL), compact rows, key unions; and
// the same table as NDJSON chunks of columns (`format: 'columns'`), read by the web's own decoder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../server/db/open.ts';
import type { Json } from '../../support/rest.ts';
import type { RunsChunk } from '../../../web/src/api/types.ts';
import { TableBuilder } from '../../../web/src/data/runsChunk.ts';
import { FIRST_CHUNK } from '../../../server/dashboard/runs-table.ts';
import { ok, startDashboard, type Dashboard } from './fixture.ts';
import { seedRuns } from './seed-sql.ts';

interface RunRow {
  run_id: string;
  run_name: string;
  experiment_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  parent_run_id: string | null;
  params: Record<string, string>;
  metrics: Record<string, number | string>;
  tags: Record<string, string>;
}
interface Table {
  runs: RunRow[];
  params: string[];
  metrics: string[];
  tags: string[];
}

let d: Dashboard;
let experimentId: string;
let parentId: string;
const CHANNELS = ['RGB', 'HSV', 'LAB_ab'];

beforeAll(async () => {
  d = await startDashboard();
  experimentId = await d.api.createExperiment('sweep');
  const parent = await d.api.createRun(experimentId, { run_name: 'sweep', start_time: 1_000 });
  parentId = parent.info.run_id as string;
  for (let i = 0; i < 12; i++) {
    const run = await d.api.createRun(experimentId, {
      run_name: `trial-${i}`,
      start_time: 2_000 + i,
      tags: [{ key: 'mlflow.parentRunId', value: parentId }],
    });
    const id = run.info.run_id as string;
    await d.api.logBatch(id, {
      params: [
        { key: 'channels', value: CHANNELS[i % 3]! },
        { key: 'pool', value: String(2 + 2 * (i % 2)) },
      ],
      metrics: [
        { key: 'loss', value: i === 5 ? 'NaN' : 1 / (i + 1), timestamp: 10, step: 0 },
        ...(i % 4 === 0 ? [{ key: 'val_auroc', value: 0.5 + i / 100, timestamp: 10, step: 3 }] : []),
      ],
      tags: i === 0 ? [{ key: 'note', value: 'first' }] : [],
    });
    if (i < 6) await d.api.ok('POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 9_000 + i });
  }
});
afterAll(async () => d?.close());

const table = async (body: Json): Promise<Table> => ok<Table>(await d.post('/api/pixal/runs/table', body));

/** The columns answer of a server: its chunks, and the table the web builds from them. */
async function columns(on: Dashboard, body: Json): Promise<{ chunks: RunsChunk[]; table: Table }> {
  const reply = await on.post('/api/pixal/runs/table', { ...body, format: 'columns' });
  expect(reply.status, reply.text.slice(0, 300)).toBe(200);
  expect(reply.text.endsWith('\n')).toBe(true);
  const chunks = reply.text.trimEnd().split('\n').map((line) => JSON.parse(line) as RunsChunk);
  const builder = new TableBuilder();
  for (const chunk of chunks) builder.add(chunk);
  return { chunks, table: builder.table() as Table };
}

/** The rows answer as the web's decoder reads it: metrics as numbers ("NaN" → NaN). */
const asDecoded = (t: Table): Table => ({ ...t, runs: t.runs.map((r) => ({ ...r, metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, Number(v)])) })) });

/** run IDs of runs/search with the same request, all pages. */
async function searchIds(body: Json): Promise<string[]> {
  const found = await d.api.ok('POST', 'runs/search', { max_results: 50_000, ...body });
  return ((found.runs as { info: { run_id: string } }[] | undefined) ?? []).map((r) => r.info.run_id);
}

describe('runs table', () => {
  it('returns every run, compact, in run search order, with the union of keys', async () => {
    const t = await table({ experiment_ids: [experimentId] });
    expect(t.runs.map((r) => r.run_id)).toEqual(await searchIds({ experiment_ids: [experimentId] }));
    expect(t.runs).toHaveLength(13);
    expect(t.params).toEqual(['channels', 'pool']);
    expect(t.metrics).toEqual(['loss', 'val_auroc']);
    expect(t.tags).toEqual([...t.tags].sort());
    expect(t.tags).toEqual(expect.arrayContaining(['mlflow.parentRunId', 'mlflow.runName', 'note']));

    const first = t.runs.find((r) => r.run_name === 'trial-0')!;
    expect(first).toEqual({
      run_id: first.run_id,
      run_name: 'trial-0',
      experiment_id: experimentId,
      status: 'FINISHED',
      start_time: 2_000,
      end_time: 9_000,
      parent_run_id: parentId,
      params: { channels: 'RGB', pool: '2' },
      metrics: { loss: 1, val_auroc: 0.5 },
      tags: expect.objectContaining({ 'mlflow.runName': 'trial-0', 'mlflow.parentRunId': parentId, note: 'first' }),
    });
    const parent = t.runs.find((r) => r.run_id === parentId)!;
    expect(parent).toMatchObject({ parent_run_id: null, end_time: null, status: 'RUNNING', params: {}, metrics: {} });
    expect(t.runs.find((r) => r.run_name === 'trial-5')!.metrics.loss).toBe('NaN');
  });

  it('filters and orders exactly as runs/search does', async () => {
    const requests: Json[] = [
      { filter: "params.channels = 'HSV'" },
      { filter: "params.pool = '4' and metrics.loss < 0.2", order_by: ['metrics.loss ASC'] },
      { filter: 'metrics.val_auroc >= 0.5', order_by: ['params.channels DESC', 'attributes.start_time ASC'] },
      { filter: "tags.`mlflow.parentRunId` = '" + parentId + "'", order_by: ['metrics.loss DESC'] },
      { filter: "attributes.status = 'FINISHED'", order_by: ['attributes.end_time DESC'] },
      { order_by: ['metrics.val_auroc DESC'] },
    ];
    for (const request of requests) {
      const body = { experiment_ids: [experimentId], ...request };
      const t = await table(body);
      expect(t.runs.map((r) => r.run_id), JSON.stringify(request)).toEqual(await searchIds(body));
    }
    const hsv = await table({ experiment_ids: [experimentId], filter: "params.channels = 'HSV'" });
    expect(hsv.runs).toHaveLength(4);
    expect(hsv.params).toEqual(['channels', 'pool']);
    expect(hsv.metrics).toEqual(['loss', 'val_auroc']); // trial-4 is the only HSV run with val_auroc
  });

  it('answers a filter syntax error with run search message as a 400', async () => {
    const filter = "params.channels = 'HSV' and metrics.loss >";
    const ours = await d.post('/api/pixal/runs/table', { experiment_ids: [experimentId], filter });
    const search = await d.api.post('runs/search', { experiment_ids: [experimentId], filter });
    expect(ours.status).toBe(400);
    expect(ours.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(ours.json.message).toBe(search.json.message);
    const order = await d.post('/api/pixal/runs/table', { experiment_ids: [experimentId], order_by: ['metrics.loss SIDEWAYS'] });
    expect(order.status).toBe(400);
    expect(order.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('sees deleted runs only when asked, and names a bad request field', async () => {
    const victim = (await table({ experiment_ids: [experimentId], filter: "attributes.run_name = 'trial-11'" })).runs[0]!;
    await d.api.ok('POST', 'runs/delete', { run_id: victim.run_id });
    expect((await table({ experiment_ids: [experimentId] })).runs).toHaveLength(12);
    expect((await table({ experiment_ids: [experimentId], run_view_type: 'DELETED_ONLY' })).runs.map((r) => r.run_id)).toEqual([victim.run_id]);
    expect((await table({ experiment_ids: [experimentId], run_view_type: 'ALL' })).runs).toHaveLength(13);
    expect(await table({ experiment_ids: [] })).toEqual({ runs: [], params: [], metrics: [], tags: [] });
    const missing = await d.post('/api/pixal/runs/table', { filter: '' });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toMatch(/'experiment_ids'/);
    const bad = await d.post('/api/pixal/runs/table', { experiment_ids: [experimentId], run_view_type: 'SOME' });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/'run_view_type'/);
  });
});

describe('runs table as chunks of columns', () => {
  it('holds the same table as the rows answer, for every filter and order', async () => {
    const requests: Json[] = [{}, { filter: "params.channels = 'HSV'" }, { order_by: ['metrics.loss DESC'] }, { run_view_type: 'ALL' }, { filter: "params.channels = 'none'" }];
    for (const request of requests) {
      const body = { experiment_ids: [experimentId], ...request };
      const { chunks, table: fromColumns } = await columns(d, body);
      expect(fromColumns, JSON.stringify(request)).toEqual(asDecoded(await table(body)));
      expect(chunks).toHaveLength(1);
      expect(chunks[0]!.total).toBe(fromColumns.runs.length);
    }
  });

  it('writes each distinct key list once', async () => {
    const [chunk] = (await columns(d, { experiment_ids: [experimentId], filter: "params.channels = 'RGB'" })).chunks;
    expect(chunk!.params.keys).toEqual([['channels', 'pool']]);
    expect(chunk!.params.key_set).toEqual([0, 0, 0, 0]);
  });

  it('answers a bad filter with the same 400, before any chunk', async () => {
    const reply = await d.post('/api/pixal/runs/table', { experiment_ids: [experimentId], filter: 'metrics.loss >', format: 'columns' });
    expect(reply.status).toBe(400);
    expect(reply.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const format = await d.post('/api/pixal/runs/table', { experiment_ids: [experimentId], format: 'csv' });
    expect(format.status).toBe(400);
    expect(format.json.message).toMatch(/'format'/);
  });

  it('shows a write made after the table was served, whatever the write', async () => {
    const body = { experiment_ids: [experimentId], filter: "attributes.run_name = 'trial-3'" };
    const before = (await columns(d, body)).table.runs[0]!;
    expect((await columns(d, body)).table.runs[0]).toEqual(before); // served again
    await d.api.ok('POST', 'runs/log-parameter', { run_id: before.run_id, key: 'augment', value: 'flip' });
    expect((await columns(d, body)).table.runs[0]!.params).toEqual({ ...before.params, augment: 'flip' });
    await d.api.ok('POST', 'runs/set-tag', { run_id: before.run_id, key: 'note', value: 'late' });
    expect((await columns(d, body)).table.runs[0]!.tags.note).toBe('late');
  });

  it('sends a big table in growing chunks, the first one a screenful', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pixal-dashboard-'));
    const db = openDb(join(dir, 'store.db'));
    db.$client.prepare("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (8, 'mid', 'mlflow-artifacts:/8', 0, 0)").run();
    seedRuns(db.$client, { experimentId: 8, runs: 1_234, params: 4, metrics: 2, tags: 3, steps: 0 });
    db.$client.close();
    const mid = await startDashboard({ dir });
    try {
      const { chunks, table: fromColumns } = await columns(mid, { experiment_ids: ['8'] });
      expect(chunks.map((c) => c.run_id.length)).toEqual([FIRST_CHUNK, 4 * FIRST_CHUNK, 1_234 - 5 * FIRST_CHUNK]);
      expect(chunks.every((c) => c.total === 1_234)).toBe(true);
      expect(fromColumns).toEqual(asDecoded(ok<Table>(await mid.post('/api/pixal/runs/table', { experiment_ids: ['8'] }))));
      expect(fromColumns.runs[0]!.run_name).toBe('run-1233'); // newest first, across chunks
      expect(fromColumns.runs.at(-1)!.run_name).toBe('run-0');
    } finally {
      await mid.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runs table beyond one page of run search', () => {
  it('returns all 50,003 runs', { timeout: 120_000 }, async () => {
    // Seeded before the server opens the store: a long synchronous seed in this process would
    // stall the server's event loop under a client's kept-alive connection.
    const dir = mkdtempSync(join(tmpdir(), 'pixal-dashboard-'));
    const db = openDb(join(dir, 'store.db'));
    db.$client.prepare("INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) VALUES (7, 'big', 'mlflow-artifacts:/7', 0, 0)").run();
    seedRuns(db.$client, { experimentId: 7, runs: 50_003, params: 0, metrics: 1, tags: 1, steps: 0 });
    db.$client.close();
    const big = await startDashboard({ dir });
    try {
      const t = ok<Table>(await big.post('/api/pixal/runs/table', { experiment_ids: ['7'] }));
      expect(t.runs).toHaveLength(50_003);
      expect(new Set(t.runs.map((r) => r.run_id)).size).toBe(50_003);
      expect(t.runs[0]!.run_name).toBe('run-50002'); // newest first
      expect(t.runs.at(-1)!.run_name).toBe('run-0');
      expect(t.metrics).toEqual(['metric_0']);
    } finally {
      await big.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
