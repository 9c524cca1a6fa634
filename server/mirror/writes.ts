// Promotions in mirror mode (alias set/move/remove, stage transitions): the remote registry is the
// truth, so the change goes there first and the local replica (with its promotion event, under our
// user) follows only once the remote accepted it. A refusal by the remote comes back as the remote
// said it; a remote that cannot be reached leaves the mirror untouched and answers 503.
import { MlflowError } from '../http/errors.ts';
import type { Mirror } from './mirror.ts';
import { RemoteUnreachableError } from './remote.ts';

export interface RemoteWrite {
  method: 'POST' | 'DELETE';
  /** MLflow endpoint after /api/2.0/mlflow/, e.g. 'registered-models/alias'. */
  endpoint: string;
  body: Record<string, unknown>;
}

export function unreachableMessage(url: string): string {
  return `remote MLflow at ${url} is unreachable; the mirror is read-only until it is back`;
}

/** 503 for a request that needs the remote while it is away. */
export function remoteUnavailable(mirror: Pick<Mirror, 'url'>): MlflowError {
  return new MlflowError('TEMPORARILY_UNAVAILABLE', unreachableMessage(mirror.url));
}

async function sendToRemote(mirror: Mirror, write: RemoteWrite): Promise<void> {
  const path = `/api/2.0/mlflow/${write.endpoint}`;
  try {
    if (write.method === 'POST') await mirror.remote.post(path, write.body);
    else await mirror.remote.delete(path, write.body);
  } catch (err) {
    if (!(err instanceof RemoteUnreachableError)) throw err;
    mirror.markUnreachable(err);
    throw remoteUnavailable(mirror);
  }
}

/**
 * Runs `local` (the store change and its promotion event) after the remote accepted `write`; without
 * a mirror, just `local`. A version registered on the remote since the last pass is not in the replica
 * yet: then a sync pass brings it (with the change the remote just made) and `local` runs again.
 */
export async function writeThrough<T>(mirror: Mirror | undefined, write: RemoteWrite, local: () => T): Promise<T> {
  if (!mirror) return local();
  await sendToRemote(mirror, write);
  // The remote answered: a mirror marked unreachable can resume now rather than at the next interval.
  if (!mirror.isReachable()) void mirror.syncNow().catch(() => undefined);
  try {
    return local();
  } catch (err) {
    if (!(err instanceof MlflowError) || err.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    await mirror.syncNow();
    return local();
  }
}
