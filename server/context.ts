import type { Logger } from 'pino';
import type { Db } from './db/open.ts';

/** What every route module needs: the store, where artifacts live, and the request logger. */
export interface ServerContext {
  db: Db;
  /** Absolute path of the artifacts destination (`--artifacts-destination`). */
  artifactsRoot: string;
  logger: Logger;
}
