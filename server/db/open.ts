// Opens the SQLite store: WAL, a busy timeout, foreign keys, and the drizzle-kit migrations.
// One process is the only writer; better-sqlite3 is synchronous, so writes never interleave.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` or `sqlite://:memory:` → a file path. */
export function sqlitePathFromUri(uri: string): string {
  const match = /^sqlite:\/\/(\/?)(.*)$/.exec(uri);
  if (!match) throw new Error(`--backend-store-uri must be a sqlite:/// URI, got '${uri}'`);
  const rest = match[2] ?? '';
  if (rest === ':memory:' || rest === '/:memory:') return ':memory:';
  if (match[1] === '/') return rest; // sqlite:///rel → rel, sqlite:////abs → /abs
  throw new Error(`--backend-store-uri must look like sqlite:///path/to/file.db, got '${uri}'`);
}

export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 5000');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  const db = drizzle(client, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db as Db;
}
