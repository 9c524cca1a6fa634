// A pass cut short loses nothing and doubles nothing. The remote (a real `mlflow server`) is killed
// in the middle of a pass, while the metric points are being copied: the pass fails, every series
// the mirror wrote is complete (latest_metrics is its watermark), and once the remote is back on
// the same port and store the next pass makes the mirror equal to it, table by table. The same
// for a pass our side stops (a server shutting down mid-pass, then starting on the same store).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../server/db/open.ts';
import { runPass } from '../../../server/mirror/mirror.ts';
import { RemoteMlflow, RemoteUnreachableError, type RemoteQuery } from '../../../server/mirror/remote.ts';
import { PassStopped } from '../../../server/mirror/sync-context.ts';
import { Rest } from '../../support/rest.ts';
import { startDashboard } from '../dashboard/fixture.ts';
import { settled, startRemote, waitFor, type Remote } from './remote-mlflow.ts';
import { expectSameTables, logTraining, partialSeries } from './support.ts';

const RUNS = 150;
const KEYS = ['loss', 'val_loss', 'auroc'];
const EPOCHS = 30;

let remote: Remote;
let remoteDb: string;
const scratch = mkdtempSync(join(tmpdir(), 'pixal-mirror-restart-'));

/**
 * The remote client of a pass, which kills the remote just as its `killAt`-th bulk metric request
 * goes out (a first pass makes two per key here: 100 runs each). Four requests are in flight at
 * once, so by then at least `killAt - 4` have been answered.
 */
class KillingRemote extends RemoteMlflow {
  private bulk = 0;
  constructor(private readonly killAt: number) {
    super({ url: remote.url });
  }
  override async get(path: string, query?: RemoteQuery): Promise<unknown> {
    if (path.includes('metrics/get-history-bulk') && ++this.bulk === this.killAt) void remote.stop();
    return super.get(path, query);
  }
}

function freshStore(name: string): { db: Db; file: string } {
  const file = join(scratch, `${name}.db`);
  return { db: openDb(file), file };
}

/** Every series in latest_metrics has points and every series with points its latest_metrics row. */
function watermarksMatchPoints(file: string): void {
  const db = new Database(file, { readonly: true });
  const series = (sql: string) => (db.prepare(sql).raw().all() as string[][]).map((r) => r.join('/'));
  expect(series('SELECT run_uuid, key FROM latest_metrics ORDER BY 1, 2')).toEqual(series('SELECT DISTINCT run_uuid, key FROM metrics ORDER BY 1, 2'));
  db.close();
}

beforeAll(async () => {
  remote = await startRemote();
  remoteDb = join(remote.dir, 'mlflow.db');
  const api = new Rest(remote.url);
  const experimentId = await api.createExperiment('restart');
  // Ten trainings at a time, as a sweep logs them.
  for (let i = 0; i < RUNS; i += 10)
    await Promise.all(
      Array.from({ length: 10 }, (_, j) =>
        logTraining(api, experimentId, { name: `run-${i + j}`, params: { seed: String(i + j) }, tags: { sweep: 'restart' }, keys: KEYS, to: EPOCHS, finish: j % 2 === 0 }),
      ),
    );
}, 300_000);

afterAll(async () => {
  await remote?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a sync pass cut short', () => {
  it('by the remote dying mid-pass leaves only whole series, and the pass after its restart completes the mirror exactly', async () => {
    const { db, file } = freshStore('killed');
    const killing = new KillingRemote(5);
    await expect(runPass({ db, remote: killing })).rejects.toBeInstanceOf(RemoteUnreachableError);
    const cut = partialSeries(remoteDb, file);
    expect(cut.written).toBeGreaterThan(0); // the first answers were written...
    expect(cut.written).toBeLessThan(RUNS * KEYS.length); // ...the rest not yet
    expect(cut.partial).toEqual([]); // and no series half
    watermarksMatchPoints(file);

    await remote.start();
    const report = await runPass({ db, remote: new RemoteMlflow({ url: remote.url }) });
    // Only what the cut pass had not copied comes now.
    expect(report.points_added).toBe(RUNS * KEYS.length * EPOCHS - cut.written * EPOCHS);
    db.$client.close();
    expectSameTables(remoteDb, file);
  });

  it('by our side stopping mid-pass leaves only whole series, and the pass after a restart completes the mirror exactly', async () => {
    const { db, file } = freshStore('stopped');
    let requests = 0;
    const counting = new RemoteMlflow({ url: remote.url });
    // Stops at the checkpoint after the third bulk answer was written, as Mirror.stop() does.
    const checkpoint = () => {
      if (counting.requests - requests >= 5) throw new PassStopped();
    };
    requests = counting.requests;
    await expect(runPass({ db, remote: counting, checkpoint })).rejects.toBeInstanceOf(PassStopped);
    db.$client.close();
    const cut = partialSeries(remoteDb, file);
    expect(cut.written).toBeGreaterThan(0);
    expect(cut.partial).toEqual([]);
    watermarksMatchPoints(file);

    const reopened = openDb(file);
    await runPass({ db: reopened, remote: new RemoteMlflow({ url: remote.url }) });
    reopened.$client.close();
    expectSameTables(remoteDb, file);
  });

  it('by the server closing during its first pass: the server started again on the store completes the mirror', async () => {
    const dir = mkdtempSync(join(scratch, 'server-'));
    const first = await startDashboard({ dir, mirror: { url: remote.url, intervalSeconds: 0 } });
    // Close as soon as the first points are in (the pass is then under way, copying metrics).
    await waitFor('the first metric points', async () => {
      const db = new Database(first.dbPath, { readonly: true });
      const { n } = db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number };
      db.close();
      return n > 0;
    });
    await first.close();
    expect(partialSeries(remoteDb, first.dbPath).partial).toEqual([]);

    const second = await startDashboard({ dir, mirror: { url: remote.url, intervalSeconds: 0 } });
    const status = await settled(second.url);
    expect(status).toMatchObject({ state: 'idle', read_only: false });
    await second.close();
    expectSameTables(remoteDb, second.dbPath);
  });
});
