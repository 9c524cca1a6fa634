// Artifacts of mirrored runs: the mirror holds no artifact files of its own, so listings and files
// are fetched from the remote on first request (its run-based `artifacts/list` and `/get-artifact`,
// which work whatever store the remote keeps them in) and cached under
// <artifacts-destination>/mirror-cache/<run_id>/. Files are cached for good; listings of finished runs
// too, those of unfinished runs are refreshed while the remote is reachable. With the remote away the
// cache answers, and what it lacks is 503 naming the path.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/open.ts';
import { runs } from '../db/schema.ts';
import { MlflowError, STATUS_BY_ERROR_CODE, type ErrorCode } from '../http/errors.ts';
import { writeArtifact, type FileInfo } from '../artifacts/files.ts';
import { storePathOf } from '../artifacts/run-artifacts.ts';
import type { Mirror } from './mirror.ts';
import { RemoteUnreachableError } from './remote.ts';
import { unreachableMessage } from './writes.ts';

export const MIRROR_CACHE_DIR = 'mirror-cache';
/** `#` never occurs in a safe artifact path, so a listing's file cannot collide with a folder's name. */
const LISTING_FILE = '#listing.json';
const FINISHED_STATUSES = new Set(['FINISHED', 'FAILED', 'KILLED']);

const RemoteListing = z.object({
  files: z.array(z.object({ path: z.string(), is_dir: z.boolean().optional(), file_size: z.union([z.number(), z.string()]).optional() })).optional(),
  next_page_token: z.string().optional(),
});

const RemoteErrorBody = z.object({ error_code: z.string(), message: z.string() });

/** A run and a path inside its artifact root. */
export interface RunArtifact {
  runId: string;
  relative: string;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** The remote's error as the remote said it (its code and message), for a non-2xx artifact answer. */
async function remoteError(res: Response): Promise<MlflowError> {
  const text = await res.text().catch(() => '');
  let parsed: z.infer<typeof RemoteErrorBody> | undefined;
  try {
    parsed = RemoteErrorBody.safeParse(JSON.parse(text)).data;
  } catch {
    parsed = undefined;
  }
  const known = parsed && parsed.error_code in STATUS_BY_ERROR_CODE;
  const byStatus = (Object.entries(STATUS_BY_ERROR_CODE) as [ErrorCode, number][]).find(([, status]) => status === res.status)?.[0] ?? 'INTERNAL_ERROR';
  return new MlflowError(known ? (parsed!.error_code as ErrorCode) : byStatus, parsed?.message ?? `remote answered ${res.status}: ${text.slice(0, 200)}`);
}

export class MirrorArtifacts {
  private readonly cacheRoot: string;

  constructor(
    private readonly mirror: Mirror,
    private readonly db: Db,
    /** The real path of the artifacts destination. */
    artifactsRoot: string,
  ) {
    this.cacheRoot = join(artifactsRoot, MIRROR_CACHE_DIR);
  }

  /**
   * The run whose artifact root holds `storePath` (a path under the artifact proxy, `<exp>/<run_id>/artifacts/...`
   * as MLflow lays them out), or undefined when it lies in no mirrored run.
   */
  runArtifactOf(storePath: string): RunArtifact | undefined {
    const runId = storePath.split('/')[1];
    if (!runId) return undefined;
    const row = this.db.select({ artifactUri: runs.artifactUri }).from(runs).where(eq(runs.runUuid, runId)).get();
    if (!row) return undefined;
    let root: string;
    try {
      root = storePathOf(row.artifactUri);
    } catch {
      return undefined; // not a proxied location
    }
    if (storePath === root) return { runId, relative: '' };
    return storePath.startsWith(`${root}/`) ? { runId, relative: storePath.slice(root.length + 1) } : undefined;
  }

  /** The listing of a folder of a run's artifacts, paths relative to the run's root as MLflow's `artifacts/list` gives them. */
  async list({ runId, relative }: RunArtifact): Promise<FileInfo[]> {
    const cached = join(this.runDir(runId), 'listings', ...relative.split('/').filter(Boolean), LISTING_FILE);
    const haveCache = await isFile(cached);
    if (haveCache && (this.isFinished(runId) || !this.mirror.isReachable())) return JSON.parse(await readFile(cached, 'utf8')) as FileInfo[];
    let files: FileInfo[];
    try {
      files = await this.fetchListing(runId, relative);
    } catch (err) {
      if (!(err instanceof RemoteUnreachableError)) throw err;
      this.mirror.markUnreachable(err);
      if (haveCache) return JSON.parse(await readFile(cached, 'utf8')) as FileInfo[];
      throw this.notCached(runId, relative);
    }
    await writeArtifact(cached, Readable.from([JSON.stringify(files)]));
    return files;
  }

  /** The cached file of a run artifact, fetched from the remote first when it is not cached yet. */
  async file({ runId, relative }: RunArtifact): Promise<string> {
    const cached = join(this.runDir(runId), 'files', ...relative.split('/'));
    if (await isFile(cached)) return cached;
    let res: Response;
    try {
      res = await this.mirror.remote.raw(`/get-artifact?${new URLSearchParams({ run_id: runId, path: relative })}`);
    } catch (err) {
      if (!(err instanceof RemoteUnreachableError)) throw err;
      this.mirror.markUnreachable(err);
      throw this.notCached(runId, relative);
    }
    if (!res.ok) throw await remoteError(res);
    await writeArtifact(cached, res.body ? Readable.fromWeb(res.body as WebReadableStream) : Readable.from([]));
    return cached;
  }

  private async fetchListing(runId: string, relative: string): Promise<FileInfo[]> {
    const files: FileInfo[] = [];
    let pageToken: string | undefined;
    do {
      const page = RemoteListing.parse(
        await this.mirror.remote.get('/ajax-api/2.0/mlflow/artifacts/list', { run_id: runId, path: relative || undefined, page_token: pageToken }),
      );
      for (const f of page.files ?? [])
        files.push(f.is_dir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.file_size === undefined ? undefined : Number(f.file_size) });
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return files;
  }

  private isFinished(runId: string): boolean {
    const row = this.db.select({ status: runs.status }).from(runs).where(eq(runs.runUuid, runId)).get();
    return row !== undefined && FINISHED_STATUSES.has(row.status);
  }

  private runDir(runId: string): string {
    // Run ids come from the remote and the store: hex, but checked before they name a folder.
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid run id '${runId}'`);
    return join(this.cacheRoot, runId);
  }

  private notCached(runId: string, relative: string): MlflowError {
    return new MlflowError(
      'TEMPORARILY_UNAVAILABLE',
      `${unreachableMessage(this.mirror.url)}; artifact '${relative || '.'}' of run ${runId} is not in the mirror's cache`,
    );
  }
}
