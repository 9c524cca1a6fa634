// The store's stamp moves with every committed write, this connection's or another's; answers kept
// under it are served until then, never kept when the store changed while they were made.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerCache, StoreStamp } from '../../../server/dashboard/store-stamp.ts';

let dir: string;
let db: Database.Database;
let other: Database.Database;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pixal-stamp-'));
  db = new Database(join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x INTEGER)');
  other = new Database(join(dir, 'store.db'));
});
afterAll(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StoreStamp', () => {
  it('moves with a write on this connection and with a commit on another, not with reads', () => {
    const stamp = new StoreStamp(db);
    const start = stamp.now();
    db.prepare('SELECT count(*) FROM t').get();
    expect(stamp.now()).toBe(start);
    db.prepare('INSERT INTO t VALUES (1)').run();
    const afterOwn = stamp.now();
    expect(afterOwn).not.toBe(start);
    other.prepare('INSERT INTO t VALUES (2)').run();
    expect(stamp.now()).not.toBe(afterOwn);
  });

  it('stays put for writes to derived tables', () => {
    let derived = 0;
    const stamp = new StoreStamp(db, () => derived);
    const start = stamp.now();
    derived += db.prepare('INSERT INTO t VALUES (5)').run().changes;
    expect(stamp.now()).toBe(start);
    db.prepare('INSERT INTO t VALUES (6)').run();
    expect(stamp.now()).not.toBe(start);
  });
});

describe('AnswerCache', () => {
  it('serves an answer until the store changes', () => {
    const stamp = new StoreStamp(db);
    const cache = new AnswerCache<string>(stamp, 100);
    cache.set('q', stamp.now(), 'answer', 6);
    expect(cache.get('q')).toBe('answer');
    expect(cache.get('other')).toBeUndefined();
    db.prepare('INSERT INTO t VALUES (3)').run();
    expect(cache.get('q')).toBeUndefined();
  });

  it('does not keep an answer made while the store changed', () => {
    const stamp = new StoreStamp(db);
    const cache = new AnswerCache<string>(stamp, 100);
    const before = stamp.now();
    other.prepare('INSERT INTO t VALUES (4)').run();
    cache.set('q', before, 'stale', 5);
    expect(cache.get('q')).toBeUndefined();
  });

  it('keeps the most recently used answers within its size', () => {
    const stamp = new StoreStamp(db);
    const cache = new AnswerCache<string>(stamp, 10);
    cache.set('a', stamp.now(), 'a', 4);
    cache.set('b', stamp.now(), 'b', 4);
    expect(cache.get('a')).toBe('a'); // b is now the least recently used
    cache.set('c', stamp.now(), 'c', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['a', undefined, 'c']);
    cache.set('huge', stamp.now(), 'x', 11);
    expect(cache.get('huge')).toBeUndefined();
  });
});
