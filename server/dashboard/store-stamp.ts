// Answers computed from the store, kept until the store changes. Not every write publishes an event
// (params and tags do not), so the store itself says whether it changed: total_changes() counts the
// rows this connection wrote, data_version moves when another connection (a CLI on the same file)
// commits. Reading both costs microseconds; recomputing a 10k-run table costs a second.
import type Database from 'better-sqlite3';

export class StoreStamp {
  private readonly changes;

  /** `derived`: how many of this connection's changes went to derived tables (metric rollups), which change no answer. */
  constructor(
    private readonly db: Database.Database,
    private readonly derived: () => number = () => 0,
  ) {
    this.changes = db.prepare<[], number>('SELECT total_changes()').pluck();
  }

  /** Equal stamps: no committed write between them. */
  now(): string {
    return `${this.db.pragma('data_version', { simple: true }) as number}:${this.changes.get()! - this.derived()}`;
  }
}

/** The last few answers by request, each valid while the store's stamp is the one it was made at. */
export class AnswerCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: T; size: number }>();
  private size = 0;

  constructor(
    private readonly stamp: StoreStamp,
    private readonly maxSize: number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.stamp !== this.stamp.now()) {
      this.size -= entry.size;
      return undefined;
    }
    this.entries.set(key, entry); // most recently used last
    return entry.value;
  }

  /** Keeps `value` if the store is still at `stamp` (nothing was written while it was computed). */
  set(key: string, stamp: string, value: T, size: number): void {
    if (stamp !== this.stamp.now() || size > this.maxSize) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.size -= old.size;
    }
    this.entries.set(key, { stamp, value, size });
    this.size += size;
    for (const [k, e] of this.entries) {
      if (this.size <= this.maxSize) break;
      this.entries.delete(k);
      this.size -= e.size;
    }
  }
}
