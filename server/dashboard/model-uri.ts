// The training run behind a model URI, resolved in this server's own registry the way the trainer
// resolves it (`runs:/<run_id>/<path>`, `models:/<name>/<version>`, `models:/<name>@<alias>`), so a
// validation job is refused before it starts when its model cannot be found.
import type { Db } from '../db/open.ts';
import { invalidParameter } from '../http/errors.ts';
import { getModelVersionByAlias } from '../registry/aliases.ts';
import { getModelVersion } from '../registry/model-versions.ts';
import { trackingStore } from '../tracking/store.ts';

const RUNS_URI = /^runs:\/([^/]+)(?:\/.*)?$/;
const ALIAS_URI = /^models:\/([^/@]+)@([^/]+)$/;
const VERSION_URI = /^models:\/([^/@]+)\/([^/]+)$/;

/** The run's id, or 404 naming it. */
export function existingRunId(db: Db, runId: string): string {
  return trackingStore(db.$client).runs.row(runId).run_uuid;
}

/** The id of the run whose model files the URI names; 400/404 with the registry's message otherwise. */
export function sourceRunOfModelUri(db: Db, uri: string): string {
  const run = RUNS_URI.exec(uri);
  if (run) return existingRunId(db, run[1]!);
  const alias = ALIAS_URI.exec(uri);
  const versioned = VERSION_URI.exec(uri);
  if (!alias && !versioned) throw invalidParameter(`Invalid model URI '${uri}': expected models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH`);
  const version = alias
    ? getModelVersionByAlias(db, alias[1]!, alias[2]!)
    : versioned![2]!.toLowerCase() === 'latest'
      ? getModelVersionByAlias(db, versioned![1]!, 'latest')
      : getModelVersion(db, versioned![1]!, versioned![2]!);
  if (!version.run_id) throw invalidParameter(`${uri} is version ${version.version} of '${version.name}', which names no run (source ${version.source})`);
  return existingRunId(db, version.run_id);
}
