// Registered models: create, read, rename, describe, tag, delete (SqlAlchemyStore's semantics).
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { modelVersionTags, modelVersions, promotionEvents, registeredModelTags, registeredModels } from '../db/schema.ts';
import { alreadyExists } from '../http/errors.ts';
import { validateEntityName } from '../tracking/validation.ts';
import type { ModelVersionJson, RegisteredModelJson, Tag } from './json.ts';
import { recordPromotion } from './promotions.ts';
import { latestVersionsOf, loadModel, modelAliases, registeredModelFull } from './rows.ts';
import { canonicalStage, STAGES, validateModelName, validateRegistryTag } from './validation.ts';

export function createRegisteredModel(db: Db, name: string, tags: Tag[], description: string): RegisteredModelJson {
  validateModelName(name);
  for (const t of tags) validateRegistryTag(t.key, t.value);
  return db.transaction((tx) => {
    if (tx.select({ name: registeredModels.name }).from(registeredModels).where(eq(registeredModels.name, name)).get())
      throw alreadyExists(`Registered Model (name=${name}) already exists.`);
    const now = Date.now();
    tx.insert(registeredModels).values({ name, creationTime: now, lastUpdatedTime: now, description }).run();
    // Repeated keys: the last value wins, as in MLflow's dict of tags.
    const byKey = new Map(tags.map((t) => [t.key, t.value]));
    for (const [key, value] of byKey) tx.insert(registeredModelTags).values({ name, key, value }).run();
    return registeredModelFull(tx, loadModel(tx, name));
  });
}

export function getRegisteredModel(db: Db, name: string): RegisteredModelJson {
  validateModelName(name);
  return registeredModelFull(db, loadModel(db, name));
}

export function updateRegisteredModel(db: Db, name: string, description: string): RegisteredModelJson {
  return db.transaction((tx) => {
    validateModelName(name);
    loadModel(tx, name);
    tx.update(registeredModels).set({ description, lastUpdatedTime: Date.now() }).where(eq(registeredModels.name, name)).run();
    return registeredModelFull(tx, loadModel(tx, name));
  });
}

/**
 * Versions, tags and aliases follow through their ON UPDATE CASCADE keys; version tags and the
 * promotion history have no key to the model and are renamed here, in the same transaction.
 */
export function renameRegisteredModel(db: Db, name: string, newName: string): RegisteredModelJson {
  validateModelName(newName, 'new_name');
  return db.transaction((tx) => {
    validateModelName(name);
    loadModel(tx, name);
    if (newName !== name && tx.select({ name: registeredModels.name }).from(registeredModels).where(eq(registeredModels.name, newName)).get())
      throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
    const now = Date.now();
    tx.update(registeredModels).set({ name: newName, lastUpdatedTime: now }).where(eq(registeredModels.name, name)).run();
    tx.update(modelVersions).set({ lastUpdatedTime: now }).where(eq(modelVersions.name, newName)).run();
    tx.update(modelVersionTags).set({ name: newName }).where(eq(modelVersionTags.name, name)).run();
    tx.update(promotionEvents).set({ modelName: newName }).where(eq(promotionEvents.modelName, name)).run();
    return registeredModelFull(tx, loadModel(tx, newName));
  });
}

/** Its aliases disappear with it, and the history says so. */
export function deleteRegisteredModel(db: Db, name: string, userId: string): void {
  db.transaction((tx) => {
    validateModelName(name);
    loadModel(tx, name);
    const now = Date.now();
    for (const a of modelAliases(tx, name))
      recordPromotion(tx, { modelName: name, kind: 'alias_removed', alias: a.alias, version: a.version, from: String(a.version), userId, time: now });
    tx.delete(modelVersionTags).where(eq(modelVersionTags.name, name)).run();
    tx.delete(registeredModels).where(eq(registeredModels.name, name)).run();
  });
}

export function setRegisteredModelTag(db: Db, name: string, key: string, value: string): void {
  validateModelName(name);
  validateRegistryTag(key, value);
  db.transaction((tx) => {
    loadModel(tx, name);
    tx.insert(registeredModelTags).values({ name, key, value }).onConflictDoUpdate({ target: [registeredModelTags.name, registeredModelTags.key], set: { value } }).run();
  });
}

export function deleteRegisteredModelTag(db: Db, name: string, key: string): void {
  validateModelName(name);
  validateEntityName(key, 'key');
  db.transaction((tx) => {
    loadModel(tx, name);
    tx.delete(registeredModelTags)
      .where(and(eq(registeredModelTags.name, name), eq(registeredModelTags.key, key)))
      .run();
  });
}

/** The newest version per requested stage (every stage when none is asked), with their aliases. */
export function getLatestVersions(db: Db, name: string, stages: string[]): ModelVersionJson[] {
  validateModelName(name);
  loadModel(db, name);
  const wanted = new Set(stages.length === 0 ? STAGES : stages.map(canonicalStage));
  const aliases = modelAliases(db, name);
  return (latestVersionsOf(db, [name], 'first-seen').get(name) ?? [])
    .filter((v) => wanted.has(v.current_stage as (typeof STAGES)[number]))
    .map((v) => {
      const version = Number(v.version);
      const own = aliases.filter((a) => a.version === version).map((a) => a.alias);
      return { ...v, aliases: own.length > 0 ? own : undefined };
    });
}
