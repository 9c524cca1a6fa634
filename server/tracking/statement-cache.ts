// Prepared statements for SQL assembled per request (searches): the same filter shape recurs, so
// statements are kept by their text, up to a bound.
import type Database from 'better-sqlite3';

const MAX_STATEMENTS = 256;

export class StatementCache {
  private readonly statements = new Map<string, Database.Statement<unknown[]>>();

  constructor(private readonly db: Database.Database) {}

  get<Row>(sql: string): Database.Statement<unknown[], Row> {
    let statement = this.statements.get(sql);
    if (statement) {
      // Re-insert so that the oldest entry is the least recently used one.
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare<unknown[]>(sql);
      if (this.statements.size >= MAX_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement as Database.Statement<unknown[], Row>;
  }
}
