// Model versions: numbered 1, 2, 3... per model and never reused (a deleted version keeps its row,
// redacted, as MLflow's store does); stage transitions are recorded in the promotion history.
import { and, eq, max, ne } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { modelVersionTags, modelVersions, registeredModelAliases, registeredModels } from '../db/schema.ts';
import { invalidParameter } from '../http/errors.ts';
import { validateEntityName } from '../tracking/validation.ts';
import type { ModelVersionJson, Tag } from './json.ts';
import { recordPromotion } from './promotions.ts';
import { loadModel, loadVersion, modelAliases, versionWithAliases, type Q } from './rows.ts';
import { downloadUri, resolveSourceLineage, validateSourceRun } from './source.ts';
import { ACTIVE_STAGES, STAGE_DELETED_INTERNAL, canonicalStage, parseVersion, validateModelName, validateRegistryTag } from './validation.ts';

export interface NewModelVersion {
  name: string;
  source: string;
  /** Absent and '' differ for `models:/` sources: absent inherits the referenced version's run. */
  runId?: string;
  tags: Tag[];
  runLink: string;
  description: string;
  userId: string;
}

export function createModelVersion(db: Db, v: NewModelVersion): ModelVersionJson {
  return db.transaction((tx) => {
    const { source, runId } = resolveSourceLineage(tx, v.source, v.runId);
    validateSourceRun(tx, source, runId);
    validateModelName(v.name);
    for (const t of v.tags) validateRegistryTag(t.key, t.value);
    loadModel(tx, v.name);
    const now = Date.now();
    const highest = tx.select({ v: max(modelVersions.version) }).from(modelVersions).where(eq(modelVersions.name, v.name)).get()?.v ?? 0;
    const version = highest + 1;
    tx.insert(modelVersions)
      .values({ name: v.name, version, creationTime: now, lastUpdatedTime: now, description: v.description, userId: v.userId, source, runId, runLink: v.runLink })
      .run();
    const byKey = new Map(v.tags.map((t) => [t.key, t.value]));
    for (const [key, value] of byKey) tx.insert(modelVersionTags).values({ name: v.name, version, key, value }).run();
    touchModel(tx, v.name, now);
    return versionWithAliases(tx, loadVersion(tx, v.name, version));
  });
}

function touchModel(q: Q, name: string, now: number): void {
  q.update(registeredModels).set({ lastUpdatedTime: now }).where(eq(registeredModels.name, name)).run();
}

/** Name and version as MLflow checks them before it looks a version up. */
function versionKey(name: string, version: string): { name: string; version: number } {
  validateModelName(name);
  return { name, version: parseVersion(version) };
}

export function getModelVersion(db: Db, name: string, version: string): ModelVersionJson {
  const key = versionKey(name, version);
  return versionWithAliases(db, loadVersion(db, key.name, key.version));
}

export function updateModelVersion(db: Db, name: string, version: string, description: string): ModelVersionJson {
  const key = versionKey(name, version);
  return db.transaction((tx) => {
    loadVersion(tx, key.name, key.version);
    tx.update(modelVersions)
      .set({ description, lastUpdatedTime: Date.now() })
      .where(and(eq(modelVersions.name, key.name), eq(modelVersions.version, key.version)))
      .run();
    return versionWithAliases(tx, loadVersion(tx, key.name, key.version));
  });
}

/**
 * Moves a version to a stage; with `archive_existing_versions`, the versions already in that stage
 * go to Archived. Every version whose stage changes gets a history row.
 */
export function transitionModelVersionStage(db: Db, name: string, version: string, stage: string, archiveExisting: boolean, userId: string): ModelVersionJson {
  const target = canonicalStage(stage);
  if (archiveExisting && !ACTIVE_STAGES.includes(target))
    throw invalidParameter(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['${ACTIVE_STAGES.join("', '")}']`,
    );
  const key = versionKey(name, version);
  return db.transaction((tx) => {
    const row = loadVersion(tx, key.name, key.version);
    const now = Date.now();
    const move = (v: number, from: string, to: string) => {
      tx.update(modelVersions)
        .set({ currentStage: to, lastUpdatedTime: now })
        .where(and(eq(modelVersions.name, key.name), eq(modelVersions.version, v)))
        .run();
      if (from !== to) recordPromotion(tx, { modelName: key.name, kind: 'stage_transition', version: v, from, to, userId, time: now });
    };
    if (archiveExisting) {
      const holders = tx
        .select({ version: modelVersions.version })
        .from(modelVersions)
        .where(and(eq(modelVersions.name, key.name), ne(modelVersions.version, key.version), eq(modelVersions.currentStage, target)))
        .all();
      for (const h of holders) move(h.version, target, 'Archived');
    }
    move(key.version, row.currentStage, target);
    touchModel(tx, key.name, now);
    return versionWithAliases(tx, loadVersion(tx, key.name, key.version));
  });
}

/** The version's aliases go with it, each recorded as removed; its number stays taken. */
export function deleteModelVersion(db: Db, name: string, version: string, userId: string): void {
  const v = parseVersion(version);
  db.transaction((tx) => {
    validateModelName(name);
    loadVersion(tx, name, v);
    const now = Date.now();
    for (const a of modelAliases(tx, name).filter((a) => a.version === v)) {
      recordPromotion(tx, { modelName: name, kind: 'alias_removed', alias: a.alias, version: v, from: String(v), userId, time: now });
      tx.delete(registeredModelAliases)
        .where(and(eq(registeredModelAliases.name, name), eq(registeredModelAliases.alias, a.alias)))
        .run();
    }
    tx.update(modelVersions)
      .set({
        currentStage: STAGE_DELETED_INTERNAL,
        lastUpdatedTime: now,
        description: '',
        userId: '',
        source: 'REDACTED-SOURCE-PATH',
        runId: 'REDACTED-RUN-ID',
        runLink: 'REDACTED-RUN-LINK',
        statusMessage: '',
      })
      .where(and(eq(modelVersions.name, name), eq(modelVersions.version, v)))
      .run();
    touchModel(tx, name, now);
  });
}

export function getModelVersionDownloadUri(db: Db, name: string, version: string): string {
  const key = versionKey(name, version);
  return downloadUri(db, loadVersion(db, key.name, key.version).source);
}

export function setModelVersionTag(db: Db, name: string, version: string, key: string, value: string): void {
  const k = versionKey(name, version);
  validateRegistryTag(key, value);
  db.transaction((tx) => {
    loadVersion(tx, k.name, k.version);
    tx.insert(modelVersionTags)
      .values({ name: k.name, version: k.version, key, value })
      .onConflictDoUpdate({ target: [modelVersionTags.name, modelVersionTags.version, modelVersionTags.key], set: { value } })
      .run();
  });
}

export function deleteModelVersionTag(db: Db, name: string, version: string, key: string): void {
  const k = versionKey(name, version);
  validateEntityName(key, 'key');
  db.transaction((tx) => {
    loadVersion(tx, k.name, k.version);
    tx.delete(modelVersionTags)
      .where(and(eq(modelVersionTags.name, k.name), eq(modelVersionTags.version, k.version), eq(modelVersionTags.key, key)))
      .run();
  });
}
