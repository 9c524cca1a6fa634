// Users keep their stores across upgrades: a store made by an older release must open with every later migration
// applied and its rows intact. Migrations are only ever added, never regenerated.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER, openDb } from '../../../server/db/open.ts';

interface Journal {
  entries: { tag: string }[];
}

/** A migrations folder holding only the first `count` migrations, as an older release shipped it. */
function olderRelease(count: number): string {
  const folder = mkdtempSync(join(tmpdir(), 'pixal-migrations-'));
  mkdirSync(join(folder, 'meta'));
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as Journal;
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) cpSync(join(MIGRATIONS_FOLDER, `${tag}.sql`), join(folder, `${tag}.sql`));
  return folder;
}

describe('store upgrade', () => {
  it('opens a store made by the first release, keeps its rows and adds the later tables', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pixal-upgrade-')), 'pixal.db');
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: olderRelease(1) });
    old.prepare("INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (7, 'kept', 'mlflow-artifacts:/7', 'active', 1, 1)").run();
    old.close();

    const db = openDb(path);
    try {
      expect(db.$client.prepare('SELECT name FROM experiments WHERE experiment_id = 7').get()).toEqual({ name: 'kept' });
      const tables = (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['jobs', 'metric_rollups']));
    } finally {
      db.$client.close();
    }
  });
});
