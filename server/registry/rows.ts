// Reading registry rows and assembling them into MLflow's JSON shapes. Every function takes a
// query handle, so the same code runs inside a write transaction or on the plain connection.
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { RunResult } from 'better-sqlite3';
import type * as schema from '../db/schema.ts';
import { modelVersionTags, modelVersions, registeredModelAliases, registeredModelTags, registeredModels } from '../db/schema.ts';
import { notFound } from '../http/errors.ts';
import { modelVersionJson, registeredModelJson, type ModelRow, type ModelVersionJson, type RegisteredModelJson, type Tag, type VersionRow } from './json.ts';
import { STAGE_DELETED_INTERNAL } from './validation.ts';

/** The connection or a transaction on it. */
export type Q = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export function loadModel(q: Q, name: string): ModelRow {
  const row = q.select().from(registeredModels).where(eq(registeredModels.name, name)).get();
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** A live (not deleted) version. */
export function loadVersion(q: Q, name: string, version: number): VersionRow {
  const row = q
    .select()
    .from(modelVersions)
    .where(and(eq(modelVersions.name, name), eq(modelVersions.version, version), ne(modelVersions.currentStage, STAGE_DELETED_INTERNAL)))
    .get();
  if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return row;
}

// Tags keep the order they were first set in (rowid order), as MLflow's store returns them.
export function modelTags(q: Q, name: string): Tag[] {
  return q.select({ key: registeredModelTags.key, value: registeredModelTags.value }).from(registeredModelTags).where(eq(registeredModelTags.name, name)).orderBy(sql`rowid`).all();
}

export function versionTagsOf(q: Q, names: string[]): Map<string, Tag[]> {
  const byVersion = new Map<string, Tag[]>();
  if (names.length === 0) return byVersion;
  const rows = q.select().from(modelVersionTags).where(inArray(modelVersionTags.name, names)).orderBy(sql`rowid`).all();
  for (const r of rows) {
    const id = versionId(r.name, r.version);
    byVersion.set(id, [...(byVersion.get(id) ?? []), { key: r.key, value: r.value }]);
  }
  return byVersion;
}

export const versionId = (name: string, version: number): string => `${version}\u0000${name}`;

export function versionTags(q: Q, name: string, version: number): Tag[] {
  return q
    .select({ key: modelVersionTags.key, value: modelVersionTags.value })
    .from(modelVersionTags)
    .where(and(eq(modelVersionTags.name, name), eq(modelVersionTags.version, version)))
    .orderBy(sql`rowid`)
    .all();
}

export function modelAliases(q: Q, name: string): { alias: string; version: number }[] {
  return q
    .select({ alias: registeredModelAliases.alias, version: registeredModelAliases.version })
    .from(registeredModelAliases)
    .where(eq(registeredModelAliases.name, name))
    .orderBy(sql`rowid`)
    .all();
}

/** A version with its tags and the aliases pointing at it (what get/create/update return). */
export function versionWithAliases(q: Q, row: VersionRow): ModelVersionJson {
  const tags = versionTags(q, row.name, row.version);
  const aliases = modelAliases(q, row.name)
    .filter((a) => a.version === row.version)
    .map((a) => a.alias);
  return modelVersionJson(row, tags, aliases);
}

/**
 * How MLflow's store lists a model's latest versions: get-model walks the versions in order, so
 * stages come in the order their first version appears; search computes them with a window
 * function partitioned by stage, so they come sorted by stage name.
 */
export type StageOrder = 'first-seen' | 'by-stage';

/** The newest live version in each stage, per model. No aliases, as in MLflow. */
export function latestVersionsOf(q: Q, names: string[], order: StageOrder): Map<string, ModelVersionJson[]> {
  const result = new Map<string, ModelVersionJson[]>();
  if (names.length === 0) return result;
  const rows = q
    .select()
    .from(modelVersions)
    .where(and(inArray(modelVersions.name, names), ne(modelVersions.currentStage, STAGE_DELETED_INTERNAL)))
    .orderBy(asc(modelVersions.name), asc(modelVersions.version))
    .all();
  const perModel = new Map<string, Map<string, VersionRow>>();
  for (const r of rows) {
    const stages = perModel.get(r.name) ?? new Map<string, VersionRow>();
    stages.set(r.currentStage, r);
    perModel.set(r.name, stages);
  }
  const tags = versionTagsOf(q, names);
  for (const [name, stages] of perModel) {
    const latest = [...stages.values()];
    if (order === 'by-stage') latest.sort((a, b) => (a.currentStage < b.currentStage ? -1 : a.currentStage > b.currentStage ? 1 : 0));
    result.set(
      name,
      latest.map((r) => modelVersionJson(r, tags.get(versionId(r.name, r.version)) ?? [], [])),
    );
  }
  return result;
}

export function registeredModelsJson(q: Q, rows: ModelRow[], order: StageOrder): RegisteredModelJson[] {
  const latest = latestVersionsOf(
    q,
    rows.map((r) => r.name),
    order,
  );
  return rows.map((r) => registeredModelJson(r, latest.get(r.name) ?? [], modelTags(q, r.name), modelAliases(q, r.name)));
}

export function registeredModelFull(q: Q, row: ModelRow): RegisteredModelJson {
  return registeredModelsJson(q, [row], 'first-seen')[0]!;
}
