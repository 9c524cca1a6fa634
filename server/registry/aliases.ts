// Aliases (`models:/name@production`): the way to promote a version since MLflow 2.3. Each change is
// recorded in the promotion history in the same transaction.
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { modelVersions, registeredModelAliases } from '../db/schema.ts';
import { invalidParameter, notFound } from '../http/errors.ts';
import type { ModelVersionJson } from './json.ts';
import { recordPromotion } from './promotions.ts';
import { loadModel, loadVersion, modelAliases, versionWithAliases } from './rows.ts';
import { STAGE_DELETED_INTERNAL, parseVersion, validateAliasName, validateAliasNotReserved, validateModelName } from './validation.ts';

export function setRegisteredModelAlias(db: Db, name: string, alias: string, version: string, userId: string): void {
  validateModelName(name);
  validateAliasName(alias);
  validateAliasNotReserved(alias);
  const v = parseVersion(version);
  db.transaction((tx) => {
    loadVersion(tx, name, v);
    const previous = modelAliases(tx, name).find((a) => a.alias === alias);
    if (previous?.version === v) return;
    tx.insert(registeredModelAliases)
      .values({ name, alias, version: v })
      .onConflictDoUpdate({ target: [registeredModelAliases.name, registeredModelAliases.alias], set: { version: v } })
      .run();
    recordPromotion(tx, {
      modelName: name,
      kind: previous ? 'alias_moved' : 'alias_set',
      alias,
      version: v,
      from: previous ? String(previous.version) : undefined,
      to: String(v),
      userId,
      time: Date.now(),
    });
  });
}

export function deleteRegisteredModelAlias(db: Db, name: string, alias: string, userId: string): void {
  validateModelName(name);
  validateAliasName(alias);
  db.transaction((tx) => {
    loadModel(tx, name);
    const previous = modelAliases(tx, name).find((a) => a.alias === alias);
    if (!previous) return;
    tx.delete(registeredModelAliases)
      .where(and(eq(registeredModelAliases.name, name), eq(registeredModelAliases.alias, alias)))
      .run();
    recordPromotion(tx, { modelName: name, kind: 'alias_removed', alias, version: previous.version, from: String(previous.version), userId, time: Date.now() });
  });
}

/** `latest` (any case) is the highest live version; other names must be set aliases. */
export function getModelVersionByAlias(db: Db, name: string, alias: string): ModelVersionJson {
  validateModelName(name);
  validateAliasName(alias);
  if (alias.toLowerCase() === 'latest') {
    loadModel(db, name);
    const newest = db
      .select()
      .from(modelVersions)
      .where(and(eq(modelVersions.name, name), ne(modelVersions.currentStage, STAGE_DELETED_INTERNAL)))
      .orderBy(desc(modelVersions.version))
      .get();
    if (!newest) throw notFound(`Latest version not found for model ${name}.`);
    return versionWithAliases(db, newest);
  }
  loadModel(db, name);
  const found = modelAliases(db, name).find((a) => a.alias === alias);
  if (!found) throw invalidParameter(`Registered model alias ${alias} not found.`);
  return versionWithAliases(db, loadVersion(db, name, found.version));
}
