// The mirror's state for the dashboard: GET /api/pixal/mirror, and POST /api/pixal/mirror/sync to
// start a pass (or join the one under way) without waiting for it.
import type { Hono } from 'hono';
import type { ServerContext } from '../context.ts';
import { invalidParameter } from '../http/errors.ts';
import { NOT_MIRRORING } from '../mirror/status.ts';

export function mirrorRoutes(app: Hono, ctx: ServerContext): void {
  app.get('/api/pixal/mirror', (c) => c.json(ctx.mirror?.status() ?? NOT_MIRRORING));

  app.post('/api/pixal/mirror/sync', (c) => {
    const { mirror } = ctx;
    if (!mirror) throw invalidParameter('This server mirrors no remote MLflow server: start it with --mirror URL to sync.');
    mirror.syncNow().catch(() => undefined); // the status tells how the pass went
    return c.json({ status: mirror.status() }, 202);
  });
}
