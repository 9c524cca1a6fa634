// Experiments in the SQLite store, with MLflow's rules: unique names (deleted ones included),
// `mlflow-artifacts:/<id>` as the default artifact location, deleting an experiment deletes its
// runs and restoring it restores them.
import { isAbsolute, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { alreadyExists, invalidParameter, MlflowError, notFound } from '../http/errors.ts';
import type { Filter, OrderBy } from '../search/ast.ts';
import { experimentJson, type ExperimentRow, type KeyValue } from './entities.ts';
import { createPageToken, parsePageToken, validateMaxResults } from './paging.ts';
import { StatementCache } from './statement-cache.ts';
import { experimentFilterSql, experimentOrderSql } from './search-sql.ts';
import { parseExperimentId, validateExperimentName, validateExperimentTag } from './validation.ts';
import { stagesOf, type ViewType } from './view-type.ts';

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** MLflow's checks on a caller-chosen artifact location; relative paths resolve against the server's folder. */
function resolveArtifactLocation(location: string): string {
  if (location.includes('#')) throw invalidParameter("'artifact_location' URL can't include fragments or params.");
  if (location.startsWith('runs:')) throw invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  const hasScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location);
  return hasScheme || isAbsolute(location) ? location : resolve(location);
}

export class ExperimentStore {
  private readonly byId;
  private readonly byName;
  private readonly tagsOf;
  private readonly insert;
  private readonly setLocation;
  private readonly upsertTag;
  private readonly removeTag;
  private readonly setStage;
  private readonly setRunStages;
  private readonly rename_;
  private readonly searches;

  constructor(private readonly db: Database.Database) {
    this.searches = new StatementCache(db);
    this.byId = db.prepare<[number], ExperimentRow>('SELECT * FROM experiments WHERE experiment_id = ?');
    this.byName = db.prepare<[string], ExperimentRow>('SELECT * FROM experiments WHERE name = ?');
    this.tagsOf = db.prepare<[number], KeyValue>('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY rowid');
    this.insert = db.prepare<[string, string, number, number]>(
      "INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, 'active', ?, ?)",
    );
    this.setLocation = db.prepare<[string, number]>('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?');
    this.upsertTag = db.prepare<[number, string, string]>(
      'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
    );
    this.removeTag = db.prepare<[number, string]>('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?');
    this.setStage = db.prepare<[string, number, number]>('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?');
    this.setRunStages = db.prepare<[string, number | null, number]>('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?');
    this.rename_ = db.prepare<[string, number, number]>('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?');
  }

  create(name: string, artifactLocation: string | undefined, tags: KeyValue[]): string {
    validateExperimentName(name);
    const location = artifactLocation ? resolveArtifactLocation(artifactLocation) : undefined;
    for (const tag of tags) validateExperimentTag(tag.key, tag.value);
    return this.db.transaction(() => {
      const now = Date.now();
      let id: number;
      try {
        id = Number(this.insert.run(name, location ?? '', now, now).lastInsertRowid);
      } catch (err) {
        if (isUniqueViolation(err)) throw alreadyExists(`Experiment(name=${name}) already exists. Error: UNIQUE constraint failed: experiments.name`);
        throw err;
      }
      if (location === undefined) this.setLocation.run(`mlflow-artifacts:/${id}`, id);
      for (const tag of tags) this.upsertTag.run(id, tag.key, tag.value);
      return String(id);
    })();
  }

  /** The experiment row in any lifecycle stage; 404 when there is none. */
  row(experimentId: string): ExperimentRow {
    const id = parseExperimentId(experimentId || '0');
    const row = this.byId.get(id);
    if (!row) throw notFound(`No Experiment with id=${id} exists`);
    return row;
  }

  get(experimentId: string): object {
    const row = this.row(experimentId);
    return experimentJson(row, this.tagsOf.all(row.experiment_id));
  }

  getByName(name: string): object | null {
    const row = this.byName.get(name);
    return row ? experimentJson(row, this.tagsOf.all(row.experiment_id)) : null;
  }

  /** The experiment, which must exist and be active (MLflow's `_check_experiment_is_active`). */
  activeRow(experimentId: string): ExperimentRow {
    const row = this.row(experimentId);
    if (row.lifecycle_stage !== 'active')
      throw invalidParameter(`The experiment ${row.experiment_id} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
    return row;
  }

  /** A row in the given stage, with MLflow's 404 otherwise (used by delete and restore). */
  private rowInStage(experimentId: string, stage: string): ExperimentRow {
    const row = this.row(experimentId);
    if (row.lifecycle_stage !== stage) throw notFound(`No Experiment with id=${row.experiment_id} exists`);
    return row;
  }

  rename(experimentId: string, newName: string): void {
    validateExperimentName(newName);
    const row = this.row(experimentId);
    // MLflow answers INVALID_STATE (a 500 the client retries); a 400 says the same without retries.
    if (row.lifecycle_stage !== 'active') throw invalidParameter('Cannot rename a non-active experiment.');
    try {
      this.rename_.run(newName, Date.now(), row.experiment_id);
    } catch (err) {
      if (isUniqueViolation(err)) throw new MlflowError('BAD_REQUEST', `Experiment(name=${newName}) already exists. Error: UNIQUE constraint failed: experiments.name`);
      throw err;
    }
  }

  delete(experimentId: string): void {
    this.db.transaction(() => {
      const row = this.rowInStage(experimentId, 'active');
      const now = Date.now();
      this.setStage.run('deleted', now, row.experiment_id);
      this.setRunStages.run('deleted', now, row.experiment_id);
    })();
  }

  restore(experimentId: string): void {
    this.db.transaction(() => {
      const row = this.rowInStage(experimentId, 'deleted');
      this.setStage.run('active', Date.now(), row.experiment_id);
      this.setRunStages.run('active', null, row.experiment_id);
    })();
  }

  setTag(experimentId: string, key: string, value: string): void {
    validateExperimentTag(key, value);
    const row = this.activeRow(experimentId);
    this.upsertTag.run(row.experiment_id, key, value);
  }

  deleteTag(experimentId: string, key: string): void {
    const row = this.activeRow(experimentId);
    if (this.removeTag.run(row.experiment_id, key).changes === 0) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
  }

  search(options: { view: ViewType; maxResults: number; filter: Filter; orderBy: OrderBy[]; pageToken?: string }): { experiments: object[]; nextPageToken?: string } {
    validateMaxResults(options.maxResults);
    const conditions = experimentFilterSql(options.filter);
    const order = experimentOrderSql(options.orderBy);
    const offset = parsePageToken(options.pageToken);
    const stages = stagesOf(options.view);
    const where = [`e.lifecycle_stage IN (${stages.map(() => '?').join(', ')})`, ...conditions.map((c) => c.sql)];
    const sql = `SELECT e.* FROM experiments e WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
    const params = [...stages, ...conditions.flatMap((c) => c.params), options.maxResults + 1, offset];
    const rows = this.searches.get<ExperimentRow>(sql).all(...params);
    const page = rows.slice(0, options.maxResults);
    return {
      experiments: page.map((row) => experimentJson(row, this.tagsOf.all(row.experiment_id))),
      ...(rows.length > options.maxResults ? { nextPageToken: createPageToken(offset + options.maxResults) } : {}),
    };
  }
}
