// The promotion history MLflow lacks: one appended row per alias set, moved or removed and per
// stage transition, written by the caller inside the same transaction as the change itself.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { promotionEvents } from '../db/schema.ts';
import type { Q } from './rows.ts';

export type PromotionKind = (typeof promotionEvents.$inferInsert)['kind'];

export interface Promotion {
  modelName: string;
  kind: PromotionKind;
  version: number;
  alias?: string;
  /** The alias's previous version, or the previous stage. */
  from?: string;
  /** The alias's new version, or the new stage. */
  to?: string;
  userId: string;
  time: number;
}

export function recordPromotion(q: Q, p: Promotion): void {
  q.insert(promotionEvents)
    .values({ modelName: p.modelName, kind: p.kind, version: p.version, alias: p.alias ?? null, fromValue: p.from ?? null, toValue: p.to ?? null, userId: p.userId, time: p.time })
    .run();
}

export interface PromotionEventJson {
  id: number;
  model: string;
  kind: PromotionKind;
  version: string;
  alias?: string;
  from?: string;
  to?: string;
  user: string;
  time: number;
}

export interface PromotionPage {
  events: PromotionEventJson[];
  /** Pass as `before` to read the next (older) page; absent on the last page. */
  next_before?: number;
}

/** Newest first; `before` is an event id, so pages stay stable while new events arrive. */
export function listPromotions(q: Q, query: { model?: string; limit: number; before?: number }): PromotionPage {
  const where: SQL[] = [];
  if (query.model !== undefined) where.push(eq(promotionEvents.modelName, query.model));
  if (query.before !== undefined) where.push(lt(promotionEvents.id, query.before));
  const rows = q
    .select()
    .from(promotionEvents)
    .where(and(...where))
    .orderBy(desc(promotionEvents.id))
    .limit(query.limit + 1)
    .all();
  const page = rows.slice(0, query.limit);
  return {
    events: page.map((r) => ({
      id: r.id,
      model: r.modelName,
      kind: r.kind,
      version: String(r.version),
      alias: r.alias ?? undefined,
      from: r.fromValue ?? undefined,
      to: r.toValue ?? undefined,
      user: r.userId,
      time: r.time,
    })),
    next_before: rows.length > query.limit ? page[page.length - 1]!.id : undefined,
  };
}
