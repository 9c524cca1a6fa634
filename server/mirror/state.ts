// The mirror_state row: which remote a store is a replica of, and how its last pass went. A store is
// bound to one remote for good (its experiment and run ids are that remote's), so starting a mirror
// of another remote on it, or turning a store with runs of its own into a mirror, is refused.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { mirrorState, registeredModels, runs } from '../db/schema.ts';
import type { Q } from '../registry/rows.ts';
import type { SyncReport } from './sync-report.ts';

const ROW = 1;

export interface StoredMirrorState {
  remoteUrl: string;
  created: number;
  lastSyncStarted?: number;
  lastSyncFinished?: number;
  lastSuccess?: number;
  lastError?: string;
  lastPass?: SyncReport;
}

/** The remote's URL as the binding compares it: no trailing slash. */
export function normalizeRemoteUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export class MirrorBindingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MirrorBindingError';
  }
}

export function readMirrorState(q: Q): StoredMirrorState | undefined {
  const row = q.select().from(mirrorState).where(eq(mirrorState.id, ROW)).get();
  if (!row) return undefined;
  return {
    remoteUrl: row.remoteUrl,
    created: row.created,
    lastSyncStarted: row.lastSyncStarted ?? undefined,
    lastSyncFinished: row.lastSyncFinished ?? undefined,
    lastSuccess: row.lastSuccess ?? undefined,
    lastError: row.lastError ?? undefined,
    lastPass: row.counts ? (JSON.parse(row.counts) as SyncReport) : undefined,
  };
}

/**
 * Binds the store to `url` (first start of a mirror on an empty store) or checks that it is bound to
 * it already. `storeFile` names the store in the error.
 */
export function bindStore(db: Db, url: string, storeFile: string): StoredMirrorState {
  const remoteUrl = normalizeRemoteUrl(url);
  return db.transaction((tx) => {
    const bound = readMirrorState(tx);
    if (bound) {
      if (bound.remoteUrl !== remoteUrl)
        throw new MirrorBindingError(
          `--mirror ${remoteUrl}: the store ${storeFile} mirrors ${bound.remoteUrl}; a store mirrors one remote for good. Use another --backend-store-uri for ${remoteUrl}.`,
        );
      return bound;
    }
    const runCount = tx.select({ n: sql<number>`count(*)` }).from(runs).get()!.n;
    const modelCount = tx.select({ n: sql<number>`count(*)` }).from(registeredModels).get()!.n;
    if (runCount > 0 || modelCount > 0)
      throw new MirrorBindingError(
        `--mirror ${remoteUrl}: the store ${storeFile} holds ${runCount} runs and ${modelCount} registered models of its own and was never a mirror; pass a new --backend-store-uri for the mirror.`,
      );
    const created = Date.now();
    tx.insert(mirrorState).values({ id: ROW, remoteUrl, created }).run();
    return { remoteUrl, created };
  });
}

export function recordPassStarted(db: Db, started: number): void {
  db.update(mirrorState).set({ lastSyncStarted: started }).where(eq(mirrorState.id, ROW)).run();
}

export function recordPassSucceeded(db: Db, report: SyncReport): void {
  db.update(mirrorState)
    .set({ lastSyncFinished: report.finished, lastSuccess: report.finished, lastError: null, counts: JSON.stringify(report) })
    .where(eq(mirrorState.id, ROW))
    .run();
}

export function recordPassFailed(db: Db, finished: number, error: string): void {
  db.update(mirrorState).set({ lastSyncFinished: finished, lastError: error }).where(eq(mirrorState.id, ROW)).run();
}
