// pixal's own API beside MLflow's, under /api/pixal.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import { invalidParameter } from '../http/errors.ts';
import { listPromotions } from '../registry/promotions.ts';

const positiveInt = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().positive());

const PromotionQuery = z.object({
  model: z.string().min(1).optional(),
  limit: positiveInt.pipe(z.number().max(1000)).optional(),
  before: positiveInt.optional(),
});

export function pixalRoutes(app: Hono, { db }: ServerContext): void {
  /** The promotion history, newest first: `?model=NAME&limit=100&before=<event id>`. */
  app.get('/api/pixal/promotions', (c) => {
    const parsed = PromotionQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalidParameter(`Invalid value for '${issue.path.join('.') || 'query'}': ${issue.message}. Expected model=<name>, limit=1..1000, before=<event id>.`);
    }
    const { model, limit = 100, before } = parsed.data;
    return c.json(listPromotions(db, { model, limit, before }));
  });
}
