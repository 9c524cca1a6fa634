// Step 1 of a pass: the remote's experiments (every lifecycle stage) into the replica, under the
// remote's ids. Names are unique in the store, so a rename on the remote that takes a name another
// experiment had is applied through a provisional name inside the same transaction.
import type Database from 'better-sqlite3';
import type { ExperimentRow, KeyValue } from '../tracking/entities.ts';
import type { PassContext } from './sync-context.ts';
import { allPages, stillOnRemote } from './sync-context.ts';
import { ExperimentsPage, parseRemote, type RemoteExperiment } from './wire.ts';

const ENDPOINT = '/api/2.0/mlflow/experiments/search';
const PAGE = 1000;

export async function fetchExperiments(ctx: PassContext): Promise<RemoteExperiment[]> {
  return allPages(ctx, async (pageToken) => {
    const body = { max_results: PAGE, view_type: 'ALL', page_token: pageToken };
    const page = parseRemote(ExperimentsPage, await ctx.remote.post(ENDPOINT, body), ENDPOINT);
    return { items: page.experiments, next: page.next_page_token };
  });
}

const sameTags = (a: KeyValue[], b: KeyValue[]) => a.length === b.length && a.every((t, i) => t.key === b[i]!.key && t.value === b[i]!.value);

/** Brings the experiments in line with the remote's list; returns the ids to search runs in. */
export async function syncExperiments(ctx: PassContext): Promise<string[]> {
  const remote = await fetchExperiments(ctx);
  const client = ctx.db.$client;
  const local = new Map(client.prepare<[], ExperimentRow>('SELECT * FROM experiments').all().map((e) => [String(e.experiment_id), e]));
  const tagsOf = client.prepare<[number], KeyValue>('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY rowid');

  const changed = remote.filter((r) => {
    const l = local.get(r.experiment_id);
    return (
      !l ||
      l.name !== r.name ||
      l.artifact_location !== r.artifact_location ||
      l.lifecycle_stage !== r.lifecycle_stage ||
      l.creation_time !== (r.creation_time ?? 0) ||
      l.last_update_time !== (r.last_update_time ?? r.creation_time ?? 0) ||
      !sameTags(tagsOf.all(l.experiment_id), r.tags)
    );
  });

  // Experiments the listing lacks are gone from the remote only if it says so (a paged listing can
  // miss an entry that moved between two pages).
  const listed = new Set(remote.map((r) => r.experiment_id));
  const gone: string[] = [];
  for (const id of local.keys()) {
    if (listed.has(id)) continue;
    ctx.checkpoint();
    if (!(await stillOnRemote(() => ctx.remote.get('/api/2.0/mlflow/experiments/get', { experiment_id: id })))) gone.push(id);
  }

  if (changed.length > 0 || gone.length > 0) applyExperiments(client, changed, gone, new Set(local.keys()));
  ctx.counts.experiments_changed += changed.length + gone.length;
  return remote.map((r) => r.experiment_id);
}

function applyExperiments(client: Database.Database, changed: RemoteExperiment[], gone: string[], existing: Set<string>): void {
  const remove = client.prepare<[number]>('DELETE FROM experiments WHERE experiment_id = ?');
  const rename = client.prepare<[string, number]>('UPDATE experiments SET name = ? WHERE experiment_id = ?');
  const upsert = client.prepare<[number, string, string, string, number, number]>(
    `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (experiment_id) DO UPDATE SET name = excluded.name, artifact_location = excluded.artifact_location,
       lifecycle_stage = excluded.lifecycle_stage, creation_time = excluded.creation_time, last_update_time = excluded.last_update_time`,
  );
  const clearTags = client.prepare<[number]>('DELETE FROM experiment_tags WHERE experiment_id = ?');
  const insertTag = client.prepare<[number, string, string]>('INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)');
  client.transaction(() => {
    for (const id of gone) remove.run(Number(id));
    // Provisional names first: a swap of two names on the remote must not meet the unique index.
    for (const r of changed) if (existing.has(r.experiment_id)) rename.run(`\u0000mirror:${r.experiment_id}`, Number(r.experiment_id));
    for (const r of changed) {
      const id = Number(r.experiment_id);
      upsert.run(id, r.name, r.artifact_location, r.lifecycle_stage, r.creation_time ?? 0, r.last_update_time ?? r.creation_time ?? 0);
      clearTags.run(id);
      for (const t of r.tags) insertTag.run(id, t.key, t.value);
    }
  })();
}
