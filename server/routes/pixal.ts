// pixal's own API beside MLflow's, under /api/pixal: what the dashboard needs and MLflow's API
// does not give fast enough or at all (see notes/dashboard.md, "Server API").
import type { Hono } from 'hono';
import { z } from 'zod';
import type { ServerContext } from '../context.ts';
import { invalidParameter } from '../http/errors.ts';
import { listPromotions } from '../registry/promotions.ts';
import { parseRunFilter } from '../search/filter.ts';
import { parseRunOrderBy } from '../tracking/run-search.ts';
import { MIN_POINTS } from '../dashboard/downsample.ts';
import { listFolder } from '../dashboard/folders.ts';
import { asPairs, MetricHistories } from '../dashboard/histories.ts';
import { checkValidation } from '../dashboard/jobs/validate-request.ts';
import { jsonBody, query } from '../dashboard/request.ts';
import { RunsTable, type RunsTableChunks } from '../dashboard/runs-table.ts';
import { eventStream } from '../dashboard/sse.ts';
import { listValidations } from '../dashboard/validations.ts';
import { mirrorRoutes } from '../dashboard/mirror-routes.ts';

const positiveInt = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().positive());

const PromotionQuery = z.object({
  model: z.string().min(1).optional(),
  limit: positiveInt.pipe(z.number().max(1000)).optional(),
  before: positiveInt.optional(),
});

const RunsTableBody = z.object({
  experiment_ids: z.array(z.string()),
  filter: z.string().optional(),
  order_by: z.array(z.string()).optional(),
  run_view_type: z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']).optional(),
  format: z.enum(['rows', 'columns']).optional(),
});

const HistoriesBody = z.object({
  run_ids: z.array(z.string().min(1)).min(1).max(1000),
  metric_keys: z.array(z.string().min(1)).min(1).max(50),
  max_points: z.number().int().min(MIN_POINTS).max(10_000).optional(),
  x: z.enum(['step', 'time']).optional(),
  format: z.enum(['pairs', 'columns']).optional(),
});

const ValidateBody = z.object({ input_dir: z.string().min(1), run_id: z.string().optional(), model_uri: z.string().optional() });
const JobsQuery = z.object({ limit: positiveInt.pipe(z.number().max(1000)).optional() });
const FoldersQuery = z.object({ path: z.string().min(1).optional() });
const ValidationsQuery = z.object({
  source_run_id: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  limit: positiveInt.pipe(z.number().max(5000)).optional(),
});

export function pixalRoutes(app: Hono, ctx: ServerContext): void {
  const { db } = ctx;
  const table = new RunsTable(db.$client, () => ctx.rollups.ownChanges);
  const histories = new MetricHistories(db.$client, ctx.rollups);

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

  app.post('/api/pixal/runs/table', async (c) => {
    const req = await jsonBody(c, RunsTableBody, "{experiment_ids: string[], filter?, order_by?: string[], run_view_type?, format?: 'rows'|'columns'}");
    const request = {
      experimentIds: req.experiment_ids,
      filter: parseRunFilter(req.filter),
      orderBy: parseRunOrderBy(req.order_by ?? []),
      view: req.run_view_type ?? 'ACTIVE_ONLY',
    };
    if (req.format === 'columns') return c.body(ndjson(table.chunks(request)), 200, { 'Content-Type': 'application/x-ndjson' });
    return c.body(table.json(request), 200, { 'Content-Type': 'application/json' });
  });

  app.post('/api/pixal/metrics/histories', async (c) => {
    const req = await jsonBody(c, HistoriesBody, `{run_ids: 1..1000 ids, metric_keys: 1..50 keys, max_points?: ${MIN_POINTS}..10000, x?: 'step'|'time', format?: 'pairs'|'columns'}`);
    const request = { runIds: req.run_ids, keys: req.metric_keys, maxPoints: req.max_points ?? 1000, x: req.x ?? 'step' } as const;
    // 'columns': {run_id, key, total_points, x: [...], y: [...]}, a third of the parsing of [x, y] pairs.
    if (req.format === 'columns') return c.body(await histories.columnsJson(request), 200, { 'Content-Type': 'application/json' });
    return c.json({ series: (await histories.read(request)).map(asPairs) });
  });

  app.get('/api/pixal/events', (c) => eventStream(c, ctx.events));

  mirrorRoutes(app, ctx);

  app.post('/api/pixal/jobs/validate', async (c) => {
    const req = await jsonBody(c, ValidateBody, '{input_dir: string, run_id?: string, model_uri?: string}');
    return c.json({ job: ctx.jobs.submitValidation(checkValidation(db, req)) }, 201);
  });

  app.get('/api/pixal/jobs', (c) => {
    const { limit = 50 } = query(c, JobsQuery, 'limit=1..1000');
    return c.json({ jobs: ctx.jobs.list(limit) });
  });

  app.get('/api/pixal/jobs/:id', (c) => c.json({ job: ctx.jobs.get(c.req.param('id')) }));

  app.get('/api/pixal/folders', async (c) => {
    const { path = process.cwd() } = query(c, FoldersQuery, 'path=<absolute folder>');
    return c.json(await listFolder(path));
  });

  app.get('/api/pixal/validations', async (c) => {
    const q = query(c, ValidationsQuery, 'source_run_id=<run id>, model=<registered model>, limit=1..5000');
    return c.json({ validations: await listValidations(db, ctx.artifactsRoot, { sourceRunId: q.source_run_id, model: q.model, limit: q.limit ?? 500 }) });
  });
}

/** One chunk per line, each made when the connection takes the one before: the first is on its way while the rest are read. */
function ndjson(chunks: RunsTableChunks): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const line = chunks.next();
      if (line === undefined) return controller.close();
      controller.enqueue(encoder.encode(`${line}\n`));
      // Let the socket send it, and other requests be served, before the next chunk is read.
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
}
