// What every step of a sync pass works with.
import type { Logger } from 'pino';
import type { Db } from '../db/open.ts';
import type { EventBus } from '../dashboard/events.ts';
import { RemoteError, type RemoteMlflow } from './remote.ts';
import type { PassCounts } from './sync-report.ts';

export interface PassContext {
  db: Db;
  remote: RemoteMlflow;
  events?: EventBus;
  logger?: Logger;
  counts: PassCounts;
  /** Throws when the pass must end (the server is stopping); called between requests. */
  checkpoint(): void;
}

/** Thrown by `checkpoint` when the mirror stops during a pass. */
export class PassStopped extends Error {
  constructor() {
    super('the mirror stopped during a sync pass');
    this.name = 'PassStopped';
  }
}

/** Every page of a paged remote listing, in order. */
export async function allPages<T>(ctx: PassContext, fetchPage: (pageToken: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    ctx.checkpoint();
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.next || undefined;
  } while (token);
  return out;
}

/** Whether an entity is still on the remote (its GET answers): false only when the remote says it does not exist. */
export async function stillOnRemote(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return true;
  } catch (err) {
    if (err instanceof RemoteError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return false;
    throw err;
  }
}
