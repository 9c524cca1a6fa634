import type { MlflowApi } from '../http/api.ts';
import type { ServerContext } from '../context.ts';

export function runRoutes(_api: MlflowApi, _ctx: ServerContext): void {
  // TODO(helper): not yet implemented
}
