// Registry entities as MLflow's protobuf-JSON renders them: versions as strings, empty lists and
// unset fields left out, fields in proto order.
import type { modelVersions, registeredModels } from '../db/schema.ts';

export type ModelRow = typeof registeredModels.$inferSelect;
export type VersionRow = typeof modelVersions.$inferSelect;

export interface Tag {
  key: string;
  value: string;
}

export interface ModelVersionJson {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id?: string;
  current_stage: string;
  description: string;
  source: string;
  run_id: string;
  status: string;
  status_message?: string;
  tags?: Tag[];
  run_link: string;
  aliases?: string[];
}

export interface RegisteredModelJson {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersionJson[];
  tags?: Tag[];
  aliases?: { alias: string; version: string }[];
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

export function modelVersionJson(row: VersionRow, tags: Tag[], aliases: string[]): ModelVersionJson {
  return {
    name: row.name,
    version: String(row.version),
    creation_timestamp: row.creationTime,
    last_updated_timestamp: row.lastUpdatedTime,
    user_id: row.userId || undefined,
    current_stage: row.currentStage,
    description: row.description,
    source: row.source,
    run_id: row.runId,
    status: row.status,
    status_message: row.statusMessage || undefined,
    tags: nonEmpty(tags),
    run_link: row.runLink,
    aliases: nonEmpty(aliases),
  };
}

export function registeredModelJson(
  row: ModelRow,
  latestVersions: ModelVersionJson[],
  tags: Tag[],
  aliases: { alias: string; version: number }[],
): RegisteredModelJson {
  return {
    name: row.name,
    creation_timestamp: row.creationTime,
    last_updated_timestamp: row.lastUpdatedTime || undefined,
    description: row.description || undefined,
    latest_versions: nonEmpty(latestVersions),
    tags: nonEmpty(tags),
    aliases: nonEmpty(aliases.map((a) => ({ alias: a.alias, version: String(a.version) }))),
  };
}
