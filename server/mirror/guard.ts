// The read-only guard of a mirror: the local store is a replica of the remote, so MLflow's write
// endpoints are refused (trainers log to the remote itself). Only the promotions written through to
// the remote (writes.ts) and the searches MLflow serves over POST pass.
import type { MiddlewareHandler } from 'hono';
import { MlflowError } from '../http/errors.ts';
import type { ServerContext } from '../context.ts';

/** The MLflow and artifact-proxy prefixes a write could come in under. */
export const GUARDED_PREFIXES = ['/api/2.0/mlflow/*', '/ajax-api/2.0/mlflow/*', '/api/2.0/mlflow-artifacts/*', '/ajax-api/2.0/mlflow-artifacts/*'] as const;

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Endpoints (after the prefix) that a non-GET may reach: reads MLflow takes as POST, and the write-through promotions. */
const ALLOWED = new Set([
  'POST runs/search',
  'POST experiments/search',
  'POST registered-models/get-latest-versions',
  'POST logged-models/search',
  'POST registered-models/alias',
  'DELETE registered-models/alias',
  'POST model-versions/transition-stage',
]);

export function readOnlyMessage(url: string): string {
  return `this server mirrors ${url} read-only: log to the remote (MLFLOW_TRACKING_URI=${url})`;
}

function endpointOf(path: string): string {
  return path.replace(/^\/(ajax-)?api\/2\.0\/mlflow(-artifacts)?\//, '').replace(/\/+$/, '');
}

/** 403 PERMISSION_DENIED for every MLflow write while this server mirrors a remote; a no-op otherwise. */
export function mirrorReadOnlyGuard(ctx: ServerContext): MiddlewareHandler {
  return async (c, next) => {
    const mirror = ctx.mirror;
    const method = c.req.method.toUpperCase();
    if (!mirror || READ_METHODS.has(method) || (!c.req.path.includes('mlflow-artifacts/') && ALLOWED.has(`${method} ${endpointOf(c.req.path)}`))) return next();
    const error = new MlflowError('PERMISSION_DENIED', readOnlyMessage(mirror.url));
    return c.json(error.toJSON(), 403);
  };
}
