// One MLflow run per image type for a preprocessing pass: the effective config as params, the dataset's
// size as metrics, the type's metadata, log and figures as artifacts, ended FINISHED (FAILED when the type
// produced no dataset, with the reason as a tag).
import { readdir } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { flattenParams } from '../config/params.ts';
import type { Config } from '../config/schema.ts';
import { PIXAL_VERSION } from '../version.ts';
import { VALUE_LIMITS } from '../mlflow/batch.ts';
import type { MlflowClient } from '../mlflow/client.ts';
import type { TypeOutcome } from '../pipeline/preprocess.ts';

export function preprocessingTags(component: string, type: string): Record<string, string> {
  return { 'pixal.kind': 'preprocessing', 'pixal.component': component, 'pixal.type': type, 'pixal.version': PIXAL_VERSION };
}

export function preprocessingMetrics(outcome: TypeOutcome): Record<string, number> {
  const metrics: Record<string, number> = { inputs: outcome.inputs, images: outcome.dataset?.images ?? 0, skipped: outcome.skipped.length };
  if (outcome.dataset) {
    metrics.pooled_height = outcome.dataset.shape[0];
    metrics.pooled_width = outcome.dataset.shape[1];
    metrics.channels = outcome.dataset.channels;
  }
  return metrics;
}

/** Files under `dir` whose names end with `extension`, relative to it, sorted; none when `dir` is missing. */
async function filesEndingWith(dir: string, extension: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(extension)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** A type's output folders that become artifacts. */
export interface ArtifactDirs {
  metadata: string;
  logs: string;
  figures: string;
}

/** The artifacts of a type, as [local file, artifact folder]: metadata/*.yaml, logs/*.log, figures/**.png (tree kept). */
async function typeArtifacts(dirs: ArtifactDirs): Promise<[string, string][]> {
  const groups: [string, string, string][] = [
    [dirs.metadata, '.yaml', 'metadata'],
    [dirs.logs, '.log', 'logs'],
    [dirs.figures, '.png', 'figures'],
  ];
  const files: [string, string][] = [];
  for (const [dir, extension, artifactDir] of groups) {
    for (const file of await filesEndingWith(dir, extension)) {
      const folder = dirname(file);
      files.push([join(dir, file), folder === '.' ? artifactDir : `${artifactDir}/${folder.split(sep).join('/')}`]);
    }
  }
  return files;
}

export interface PreprocessingRunRecord {
  runId: string;
  outcome: TypeOutcome;
  config: Config;
  dirs: ArtifactDirs;
}

/** Logs everything of one type to its run and ends it; returns the status it ended with. */
export async function recordPreprocessingRun(client: MlflowClient, record: PreprocessingRunRecord): Promise<'FINISHED' | 'FAILED'> {
  const { runId, outcome } = record;
  const timestamp = Date.now();
  await client.logBatch(runId, {
    params: Object.entries(flattenParams(record.config.preprocessing, 'preprocessing')).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(preprocessingMetrics(outcome)).map(([key, value]) => ({ key, value, step: 0, timestamp })),
    tags: outcome.error ? [{ key: 'pixal.error', value: outcome.error.slice(0, VALUE_LIMITS.tag) }] : [],
  });
  const artifacts = await client.runArtifacts(runId);
  for (const [file, folder] of await typeArtifacts(record.dirs)) await artifacts.logFile(file, folder);
  const status = outcome.dataset ? 'FINISHED' : 'FAILED';
  await client.updateRun(runId, { status });
  return status;
}
