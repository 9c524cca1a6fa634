// One sync pass: experiments, then runs page by page (each page's new metric points right after
// it), then the registry. Every step writes in its own transactions, so a pass cut short (the remote
// gone, the server stopping) leaves a consistent replica that the next pass completes.
import type { Logger } from 'pino';
import type { Db } from '../db/open.ts';
import type { EventBus } from '../dashboard/events.ts';
import type { RemoteMlflow } from './remote.ts';
import type { PassContext } from './sync-context.ts';
import { syncExperiments } from './sync-experiments.ts';
import { MetricSync } from './sync-metrics.ts';
import { syncRegistry } from './sync-registry.ts';
import { emptyCounts, type SyncReport } from './sync-report.ts';
import { RunSync } from './sync-runs.ts';

export interface PassOptions {
  db: Db;
  remote: RemoteMlflow;
  events?: EventBus;
  logger?: Logger;
  /** Called between requests; throws to end the pass (PassStopped). */
  checkpoint?: () => void;
}

/**
 * Brings the replica in `db` in line with the remote. `requests` and `bytes` of the report count
 * everything sent through `remote` during the pass.
 */
export async function runPass(options: PassOptions): Promise<SyncReport> {
  const { remote } = options;
  const started = Date.now();
  const [requests, bytes] = [remote.requests, remote.bytes];
  const ctx: PassContext = { ...options, counts: emptyCounts(), checkpoint: options.checkpoint ?? (() => undefined) };
  const changed = new Set<string>();

  const experimentIds = await syncExperiments(ctx);
  const runs = new RunSync(ctx);
  const metrics = new MetricSync(ctx);
  const listed = new Set<string>();
  let pageToken: string | undefined;
  if (experimentIds.length > 0) {
    do {
      ctx.checkpoint();
      const page = await runs.page(experimentIds, pageToken, changed);
      for (const id of page.runIds) listed.add(id);
      await metrics.run(page.metricJobs, changed);
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
  const removed = await runs.removeGone(listed);
  await syncRegistry(ctx);

  return {
    started,
    finished: Date.now(),
    requests: remote.requests - requests,
    bytes: remote.bytes - bytes,
    ...ctx.counts,
    runs_changed: changed.size + removed,
  };
}
