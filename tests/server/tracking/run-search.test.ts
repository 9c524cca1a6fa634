// The run search on a real SQLite store: whichever plan it picks (walk the runs, or list the runs
// of the most selective clause from its index first), the answer is the one a plain evaluation of
// MLflow's rules gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../server/db/open.ts';
import type { Filter, OrderBy } from '../../../server/search/ast.ts';
import { trackingStore, type TrackingStore } from '../../../server/tracking/store.ts';

const RUNS = 300;

interface Reference {
  id: string;
  start: number;
  loss?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  deleted: boolean;
}

let dir: string;
let db: Db;
let store: TrackingStore;
let experimentId: string;
const reference: Reference[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-search-'));
  db = openDb(join(dir, 'store.db'));
  store = trackingStore(db.$client);
  experimentId = store.experiments.create('plans', undefined, []);
  const other = store.experiments.create('other', undefined, []);
  for (let i = 0; i < RUNS; i++) {
    const start = 1000 + (i % 50); // many start_time ties
    const run = store.runs.create({ experimentId: i % 7 === 0 ? other : experimentId, userId: 'u', startTime: start, tags: [] }) as { info: { run_id: string } };
    const id = run.info.run_id;
    const loss = i % 11 === 0 ? undefined : i % 13 === 0 ? Number.NaN : (i * 37) % 100;
    const params: Record<string, string> = { half: String(i % 2), seed: String(i) };
    const tags: Record<string, string> = i % 3 === 0 ? {} : { group: `g${i % 4}` };
    store.runs.logBatch(id, {
      metrics: loss === undefined ? [] : [{ key: 'loss', value: loss, timestamp: 1, step: 0 }],
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    const deleted = i % 17 === 0;
    if (deleted) store.runs.delete(id);
    if (i % 7 !== 0) reference.push({ id, start, loss, params, tags, deleted });
  }
});

afterAll(() => {
  db?.$client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** MLflow's order: the key's values (NaN, then missing, last), then start_time DESC, then run_id. */
function byLoss(ascending: boolean) {
  const rank = (r: Reference) => (r.loss === undefined ? 2 : Number.isNaN(r.loss) ? 1 : 0);
  return (a: Reference, b: Reference) =>
    rank(a) - rank(b) || (rank(a) === 0 && a.loss !== b.loss ? (ascending ? a.loss! - b.loss! : b.loss! - a.loss!) : 0) || b.start - a.start || (a.id < b.id ? -1 : 1);
}
const defaultOrder = (a: Reference, b: Reference) => b.start - a.start || (a.id < b.id ? -1 : 1);

function searchAll(filter: Filter, orderBy: OrderBy[], pageSize: number): string[] {
  const out: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = store.runs.search({ experimentIds: [experimentId], filter, orderBy, view: 'ACTIVE_ONLY', maxResults: pageSize, pageToken });
    out.push(...page.runs.map((r) => (r as { info: { run_id: string } }).info.run_id));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

const active = () => reference.filter((r) => !r.deleted);

describe('run search plans', () => {
  it.each([
    ['one run by param (index first)', [{ type: 'param', key: 'seed', op: '=', value: '42' }], (r: Reference) => r.params.seed === '42'],
    ['half the runs by param (runs walked)', [{ type: 'param', key: 'half', op: '=', value: '1' }], (r: Reference) => r.params.half === '1'],
    ['a metric range', [{ type: 'metric', key: 'loss', op: '<', value: 10 }], (r: Reference) => r.loss !== undefined && r.loss < 10],
    ['metric != (NaN matches)', [{ type: 'metric', key: 'loss', op: '!=', value: 50 }], (r: Reference) => r.loss !== undefined && r.loss !== 50],
    ['a tag key present', [{ type: 'tag', key: 'group', op: 'IS NOT NULL', value: '' }], (r: Reference) => 'group' in r.tags],
    ['a tag key absent', [{ type: 'tag', key: 'group', op: 'IS NULL', value: '' }], (r: Reference) => !('group' in r.tags)],
    [
      'selective and unselective together',
      [
        { type: 'param', key: 'half', op: '=', value: '0' },
        { type: 'metric', key: 'loss', op: '>=', value: 90 },
        { type: 'tag', key: 'group', op: 'LIKE', value: 'g%' },
      ],
      (r: Reference) => r.params.half === '0' && r.loss !== undefined && r.loss >= 90 && 'group' in r.tags,
    ],
  ] as [string, Filter, (r: Reference) => boolean][])('%s, in default order and by metric, in pages', (_label, filter, matches) => {
    const expected = active().filter(matches);
    expect(searchAll(filter, [], 7)).toEqual([...expected].sort(defaultOrder).map((r) => r.id));
    expect(searchAll(filter, [{ type: 'metric', key: 'loss', ascending: true }], 1000)).toEqual([...expected].sort(byLoss(true)).map((r) => r.id));
    expect(searchAll(filter, [{ type: 'metric', key: 'loss', ascending: false }], 9)).toEqual([...expected].sort(byLoss(false)).map((r) => r.id));
  });

  it('sees deleted runs only when asked', () => {
    const deleted = store.runs.search({ experimentIds: [experimentId], filter: [], orderBy: [], view: 'DELETED_ONLY', maxResults: 1000 });
    expect(deleted.runs.map((r) => (r as { info: { run_id: string } }).info.run_id)).toEqual(
      reference
        .filter((r) => r.deleted)
        .sort(defaultOrder)
        .map((r) => r.id),
    );
  });
});
