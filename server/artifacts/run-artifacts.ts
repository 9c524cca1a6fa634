// A run's artifacts inside this server's store: its artifact URI (`mlflow-artifacts:/<exp>/<run>/artifacts`)
// read from the runs table and mapped to a path under the artifact root.
import { eq } from 'drizzle-orm';
import { runs } from '../db/schema.ts';
import { notFound } from '../http/errors.ts';
import type { Q } from '../registry/rows.ts';
import { safeArtifactPath } from './paths.ts';
import { proxiedPath } from './uri.ts';

/** Read-only: the runs table belongs to the tracking store. */
export function findRunArtifactUri(q: Q, runId: string): string | undefined {
  return q.select({ artifactUri: runs.artifactUri }).from(runs).where(eq(runs.runUuid, runId)).get()?.artifactUri;
}

export function runArtifactUri(q: Q, runId: string): string {
  const uri = findRunArtifactUri(q, runId);
  if (uri === undefined) throw notFound(`Run with id=${runId} not found`);
  return uri;
}

/** The store-relative folder of an artifact location, checked like any request path. */
export function storePathOf(artifactUri: string): string {
  return safeArtifactPath(proxiedPath(artifactUri));
}
