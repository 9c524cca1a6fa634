// Pieces of the search SQL: LIKE as MLflow runs it (SQLite with case_sensitive_like on) versus the
// GLOB this store sends, and the order_by terms.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { experimentOrderSql, likeToGlob, runOrderSql } from '../../../server/tracking/search-sql.ts';

const mlflowLike = new Database(':memory:');
mlflowLike.pragma('case_sensitive_like = true');
const ours = new Database(':memory:');
afterAll(() => {
  mlflowLike.close();
  ours.close();
});

const VALUES = ['Adam', 'adam', 'Adam%', 'a_b', 'axb', 'a*b', 'a?b', 'a[b]', 'ünï', 'ÜNÏ', '', 'hello world', 'HELLO_world', 'line\nbreak'];
const PATTERNS = ['Adam', 'adam', 'Ad_m', 'A%', '%m', '%\\%', 'a_b', 'a*b', 'a?b', 'a[b]', 'a[%', '%', '_', '', '%_world', 'ü%', 'line%', '%o w%'];

describe('LIKE and ILIKE', () => {
  it('GLOB from a LIKE pattern matches exactly what case-sensitive LIKE matches', () => {
    const like = mlflowLike.prepare<[string, string], { m: number }>('SELECT ? LIKE ? AS m');
    const glob = ours.prepare<[string, string], { m: number }>('SELECT ? GLOB ? AS m');
    for (const value of VALUES)
      for (const pattern of PATTERNS) expect(glob.get(value, likeToGlob(pattern))!.m, `${JSON.stringify(value)} LIKE ${JSON.stringify(pattern)}`).toBe(like.get(value, pattern)!.m);
  });

  it("ILIKE as lower(column) LIKE lower(?) matches the same on both connections", () => {
    const sql = 'SELECT lower(?) LIKE lower(?) AS m';
    const theirs = mlflowLike.prepare<[string, string], { m: number }>(sql);
    const mine = ours.prepare<[string, string], { m: number }>(sql);
    for (const value of VALUES) for (const pattern of PATTERNS) expect(mine.get(value, pattern)!.m).toBe(theirs.get(value, pattern)!.m);
  });
});

describe('order_by terms', () => {
  it('ends runs with start_time DESC then run_uuid, unless start_time is ordered already', () => {
    expect(runOrderSql([]).terms).toEqual(['r.start_time DESC', 'r.run_uuid ASC']);
    expect(runOrderSql([{ type: 'attribute', key: 'start_time', ascending: true }]).terms).toEqual(['(r.start_time IS NULL)', 'r.start_time ASC', 'r.run_uuid ASC']);
    const byMetric = runOrderSql([{ type: 'metric', key: 'loss', ascending: false }]);
    expect(byMetric.joins).toEqual([{ sql: 'LEFT JOIN latest_metrics o0 ON o0.run_uuid = r.run_uuid AND o0.key = ?', params: ['loss'] }]);
    expect(byMetric.terms[0]).toContain('is_nan = 1 THEN 1');
  });

  it('orders experiments newest first by default, experiment_id DESC as tie-break', () => {
    expect(experimentOrderSql([])).toEqual(['e.creation_time DESC', 'e.experiment_id ASC']);
    expect(experimentOrderSql([{ type: 'attribute', key: 'name', ascending: true }])).toEqual(['e.name ASC', 'e.experiment_id DESC']);
  });
});
