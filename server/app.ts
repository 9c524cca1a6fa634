// The Hono application: MLflow REST API, artifact proxy, pixal's own API, health and version, and
// the built dashboard at `/` (registered last, so every API route keeps precedence).
import { Hono } from 'hono';
import { MlflowError } from './http/errors.ts';
import { MlflowApi } from './http/api.ts';
import { authMiddleware, type AuthSpec } from './http/auth.ts';
import type { ServerContext } from './context.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { runRoutes } from './routes/runs.ts';
import { metricRoutes } from './routes/metrics.ts';
import { registryRoutes } from './routes/registry.ts';
import { artifactRoutes } from './routes/artifacts.ts';
import { pixalRoutes } from './routes/pixal.ts';
import { loggedModelRoutes } from './routes/logged-models.ts';
import { staticWeb } from './dashboard/static.ts';
import { GUARDED_PREFIXES, mirrorReadOnlyGuard } from './mirror/guard.ts';
import { PIXAL_VERSION } from './version.ts';

export function createApp(ctx: ServerContext, auth: AuthSpec): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    ctx.logger.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: +(performance.now() - started).toFixed(2) }, 'request');
  });

  app.get('/health', (c) => c.text('OK'));
  app.get('/version', (c) => c.text(PIXAL_VERSION));

  for (const prefix of ['/api/*', '/ajax-api/*', '/get-artifact', '/model-versions/get-artifact']) app.use(prefix, authMiddleware(auth));
  // A mirror's store is a replica: MLflow writes other than promotions are refused.
  for (const prefix of GUARDED_PREFIXES) app.use(prefix, mirrorReadOnlyGuard(ctx));

  const api = new MlflowApi(app, (c) => (c.get('user' as never) as string | undefined) ?? '');
  experimentRoutes(api, ctx);
  runRoutes(api, ctx);
  metricRoutes(api, ctx);
  registryRoutes(api, ctx);
  artifactRoutes(app, api, ctx);
  pixalRoutes(app, ctx);
  loggedModelRoutes(app, api);
  staticWeb(app, ctx.webDist);

  app.notFound((c) => c.json(new MlflowError('ENDPOINT_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((err, c) => {
    if (err instanceof MlflowError) return c.json(err.toJSON(), err.status as 400);
    ctx.logger.error({ err, path: c.req.path }, 'unhandled error');
    return c.json(new MlflowError('INTERNAL_ERROR', `Internal error: ${err.message}`).toJSON(), 500);
  });
  return app;
}
