import type { Hono } from 'hono';
import type { ServerContext } from '../context.ts';

export function pixalRoutes(_app: Hono, _ctx: ServerContext): void {
  // TODO(helper): not yet implemented
}
