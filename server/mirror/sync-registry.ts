// Step 3 of a pass: the remote's model registry. Every registered model (with tags and aliases)
// and every live version (with tags) is listed, a request or two however many changed: a version's
// tags and description change without touching its model's timestamp, so a listing filtered by
// timestamps would miss them. Differences are applied in one transaction. An alias the remote set,
// moved or removed, and a stage the remote changed, go into the promotion history as user "remote"
// (a promotion made through this server reached the replica already, so the pass sees no change).
import type Database from 'better-sqlite3';
import type { Db } from '../db/open.ts';
import { recordPromotion, type Promotion } from '../registry/promotions.ts';
import { STAGE_DELETED_INTERNAL } from '../registry/validation.ts';
import type { KeyValue } from '../tracking/entities.ts';
import { allPages, stillOnRemote, type PassContext } from './sync-context.ts';
import { ModelsPage, parseRemote, VersionsPage, type RemoteModel, type RemoteModelVersion } from './wire.ts';

export const REMOTE_USER = 'remote';

const MODELS_ENDPOINT = '/api/2.0/mlflow/registered-models/search';
const VERSIONS_ENDPOINT = '/api/2.0/mlflow/model-versions/search';

interface LocalModel {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string;
}

interface LocalVersion {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string;
  user_id: string;
  current_stage: string;
  source: string;
  run_id: string;
  run_link: string;
  status: string;
  status_message: string;
}

type AliasEvent = { model: string; alias: string; version: string | null };

const versionKey = (name: string, version: number) => `${name}\u0000${version}`;
const listText = (l: KeyValue[]) => JSON.stringify(l.map((t) => [t.key, t.value]));

function groupTags<T extends KeyValue>(rows: T[], keyOf: (r: T) => string): Map<string, KeyValue[]> {
  const m = new Map<string, KeyValue[]>();
  for (const r of rows) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), { key: r.key, value: r.value }]);
  return m;
}

function sameVersion(l: LocalVersion, r: RemoteModelVersion): boolean {
  return (
    l.creation_time === (r.creation_timestamp ?? 0) &&
    l.last_updated_time === (r.last_updated_timestamp ?? r.creation_timestamp ?? 0) &&
    l.description === r.description &&
    l.user_id === r.user_id &&
    l.current_stage === r.current_stage &&
    l.source === r.source &&
    l.run_id === r.run_id &&
    l.run_link === r.run_link &&
    l.status === r.status &&
    l.status_message === r.status_message
  );
}

export async function syncRegistry(ctx: PassContext): Promise<void> {
  const models = await allPages(ctx, async (pageToken) => {
    const page = parseRemote(ModelsPage, await ctx.remote.get(MODELS_ENDPOINT, { max_results: 1000, page_token: pageToken }), MODELS_ENDPOINT);
    return { items: page.registered_models, next: page.next_page_token };
  });
  const versions = await allPages(ctx, async (pageToken) => {
    const page = parseRemote(VersionsPage, await ctx.remote.get(VERSIONS_ENDPOINT, { max_results: 10_000, page_token: pageToken }), VERSIONS_ENDPOINT);
    return { items: page.model_versions, next: page.next_page_token };
  });
  const client = ctx.db.$client;
  const localModels = new Map(client.prepare<[], LocalModel>('SELECT * FROM registered_models').all().map((m) => [m.name, m]));
  const localVersions = new Map(
    client
      .prepare<[string], LocalVersion>('SELECT * FROM model_versions WHERE current_stage != ?')
      .all(STAGE_DELETED_INTERNAL)
      .map((v) => [versionKey(v.name, v.version), v]),
  );

  // What the listings lack is gone only if the remote says so (a paged listing can miss an entry).
  const listedModels = new Set(models.map((m) => m.name));
  const listedVersions = new Set(versions.map((v) => versionKey(v.name, v.version)));
  const goneModels: string[] = [];
  for (const name of localModels.keys()) {
    if (listedModels.has(name)) continue;
    ctx.checkpoint();
    if (!(await stillOnRemote(() => ctx.remote.get('/api/2.0/mlflow/registered-models/get', { name })))) goneModels.push(name);
  }
  const goneVersions: LocalVersion[] = [];
  for (const [key, v] of localVersions) {
    if (listedVersions.has(key) || goneModels.includes(v.name)) continue;
    ctx.checkpoint();
    if (!(await stillOnRemote(() => ctx.remote.get('/api/2.0/mlflow/model-versions/get', { name: v.name, version: String(v.version) })))) goneVersions.push(v);
  }

  const aliasEvents: AliasEvent[] = [];
  const changedModels = client.transaction(() =>
    new RegistryWriter(ctx.db).apply({ models, versions, localModels, localVersions, goneModels, goneVersions, aliasEvents }),
  )();
  ctx.counts.models_changed += changedModels;
  for (const e of aliasEvents) ctx.events?.publish({ type: 'alias', data: e });
}

interface Apply {
  models: RemoteModel[];
  versions: RemoteModelVersion[];
  localModels: Map<string, LocalModel>;
  localVersions: Map<string, LocalVersion>;
  goneModels: string[];
  goneVersions: LocalVersion[];
  aliasEvents: AliasEvent[];
}

/** The registry writes of one pass, inside the caller's transaction. */
class RegistryWriter {
  private readonly client: Database.Database;

  constructor(private readonly db: Db) {
    this.client = db.$client;
  }

  /** Returns how many models changed (their own fields, tags, versions or aliases). */
  apply(a: Apply): number {
    const c = this.client;
    const now = Date.now();
    const changed = new Set<string>();
    const promote = (p: Omit<Promotion, 'userId' | 'time'>) => recordPromotion(this.db, { ...p, userId: REMOTE_USER, time: now });

    const modelTags = groupTags(c.prepare<[], KeyValue & { name: string }>('SELECT name, key, value FROM registered_model_tags ORDER BY rowid').all(), (r) => r.name);
    const versionTags = groupTags(
      c.prepare<[], KeyValue & { name: string; version: number }>('SELECT name, version, key, value FROM model_version_tags ORDER BY rowid').all(),
      (r) => versionKey(r.name, r.version),
    );
    const aliases = new Map<string, Map<string, number>>();
    for (const r of c.prepare<[], { name: string; alias: string; version: number }>('SELECT name, alias, version FROM registered_model_aliases ORDER BY rowid').all())
      aliases.set(r.name, (aliases.get(r.name) ?? new Map<string, number>()).set(r.alias, r.version));

    // Models gone from the remote: their aliases are recorded as removed, then everything goes.
    for (const name of a.goneModels) {
      for (const [alias, version] of aliases.get(name) ?? []) {
        promote({ modelName: name, kind: 'alias_removed', alias, version, from: String(version) });
        a.aliasEvents.push({ model: name, alias, version: null });
      }
      c.prepare('DELETE FROM model_version_tags WHERE name = ?').run(name);
      c.prepare('DELETE FROM registered_models WHERE name = ?').run(name);
      changed.add(name);
    }

    const upsertModel = c.prepare<[string, number, number, string]>(
      `INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET creation_time = excluded.creation_time, last_updated_time = excluded.last_updated_time, description = excluded.description`,
    );
    const clearModelTags = c.prepare<[string]>('DELETE FROM registered_model_tags WHERE name = ?');
    const insertModelTag = c.prepare<[string, string, string]>('INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?)');
    for (const m of a.models) {
      const l = a.localModels.get(m.name);
      const created = m.creation_timestamp ?? 0;
      const updated = m.last_updated_timestamp ?? created;
      if (!l || l.creation_time !== created || l.last_updated_time !== updated || l.description !== m.description) {
        upsertModel.run(m.name, created, updated, m.description);
        changed.add(m.name);
      }
      if (listText(modelTags.get(m.name) ?? []) !== listText(m.tags)) {
        clearModelTags.run(m.name);
        for (const t of m.tags) insertModelTag.run(m.name, t.key, t.value);
        changed.add(m.name);
      }
    }

    const upsertVersion = c.prepare<[string, number, number, number, string, string, string, string, string, string, string, string]>(
      `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source, run_id, run_link, status, status_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name, version) DO UPDATE SET creation_time = excluded.creation_time, last_updated_time = excluded.last_updated_time,
         description = excluded.description, user_id = excluded.user_id, current_stage = excluded.current_stage, source = excluded.source,
         run_id = excluded.run_id, run_link = excluded.run_link, status = excluded.status, status_message = excluded.status_message`,
    );
    const clearVersionTags = c.prepare<[string, number]>('DELETE FROM model_version_tags WHERE name = ? AND version = ?');
    const insertVersionTag = c.prepare<[string, number, string, string]>('INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?)');
    const live = new Set(a.models.map((m) => m.name));
    for (const v of a.versions) {
      if (!live.has(v.name)) continue; // its model appeared after the model listing: the next pass brings both
      const key = versionKey(v.name, v.version);
      const l = a.localVersions.get(key);
      if (!l || !sameVersion(l, v)) {
        if (l && l.current_stage !== v.current_stage)
          promote({ modelName: v.name, kind: 'stage_transition', version: v.version, from: l.current_stage, to: v.current_stage });
        const created = v.creation_timestamp ?? 0;
        upsertVersion.run(v.name, v.version, created, v.last_updated_timestamp ?? created, v.description, v.user_id, v.current_stage, v.source, v.run_id, v.run_link, v.status, v.status_message);
        changed.add(v.name);
      }
      if (listText(versionTags.get(key) ?? []) !== listText(v.tags)) {
        clearVersionTags.run(v.name, v.version);
        for (const t of v.tags) insertVersionTag.run(v.name, v.version, t.key, t.value);
        changed.add(v.name);
      }
    }

    // A version deleted on the remote: as MLflow's store keeps it, its number taken, its fields redacted.
    const redact = c.prepare<[string, number, string, number]>(
      `UPDATE model_versions SET current_stage = ?, last_updated_time = ?, description = '', user_id = '', source = 'REDACTED-SOURCE-PATH',
         run_id = 'REDACTED-RUN-ID', run_link = 'REDACTED-RUN-LINK', status_message = '' WHERE name = ? AND version = ?`,
    );
    for (const v of a.goneVersions) {
      redact.run(STAGE_DELETED_INTERNAL, now, v.name, v.version);
      changed.add(v.name);
    }

    const setAlias = c.prepare<[string, string, number]>(
      'INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version',
    );
    const removeAlias = c.prepare<[string, string]>('DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?');
    for (const m of a.models) {
      const mine = aliases.get(m.name) ?? new Map<string, number>();
      const theirs = new Map(m.aliases.map((x) => [x.alias, x.version]));
      for (const [alias, version] of theirs) {
        const previous = mine.get(alias);
        if (previous === version) continue;
        setAlias.run(m.name, alias, version);
        promote({ modelName: m.name, kind: previous === undefined ? 'alias_set' : 'alias_moved', alias, version, from: previous === undefined ? undefined : String(previous), to: String(version) });
        a.aliasEvents.push({ model: m.name, alias, version: String(version) });
        changed.add(m.name);
      }
      for (const [alias, version] of mine) {
        if (theirs.has(alias)) continue;
        removeAlias.run(m.name, alias);
        promote({ modelName: m.name, kind: 'alias_removed', alias, version, from: String(version) });
        a.aliasEvents.push({ model: m.name, alias, version: null });
        changed.add(m.name);
      }
    }
    return changed.size;
  }
}
