// A validation request checked before any job exists: the image folder is a folder on this
// machine, and exactly one model reference (a run ID or a model URI) names a run of this server.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Db } from '../../db/open.ts';
import { invalidParameter } from '../../http/errors.ts';
import { existingRunId, sourceRunOfModelUri } from '../model-uri.ts';
import type { ValidateParams } from './job.ts';

export interface CheckedValidation {
  params: ValidateParams;
  /** The training run whose model validates (for finding the validation runs it logs). */
  sourceRunId: string;
}

function checkFolder(dir: string): string {
  const full = isAbsolute(dir) ? dir : resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    throw invalidParameter(`input_dir '${full}' does not exist on the server's machine`);
  }
  if (!isDir) throw invalidParameter(`input_dir '${full}' is not a folder`);
  return full;
}

export function checkValidation(db: Db, req: { input_dir: string; run_id?: string; model_uri?: string }): CheckedValidation {
  const runId = req.run_id?.trim() || undefined;
  const modelUri = req.model_uri?.trim() || undefined;
  if ((runId === undefined) === (modelUri === undefined)) throw invalidParameter('Give exactly one of run_id or model_uri.');
  const inputDir = checkFolder(req.input_dir);
  if (runId !== undefined) return { params: { input_dir: inputDir, run_id: runId }, sourceRunId: existingRunId(db, runId) };
  return { params: { input_dir: inputDir, model_uri: modelUri }, sourceRunId: sourceRunOfModelUri(db, modelUri!) };
}
